/** The allocator with plugins and probes of its own: candidate order, timeouts, failing hooks, dispose, races and deferrals. */
import { describe, expect, test } from 'bun:test'
import { createAllocator, definePlugin, type Probe } from '../../index.ts'
import { cleanAfterEach } from '../helpers/clean.ts'
import { freeRange } from '../helpers/sockets.ts'

cleanAfterEach()

describe('the allocator and its plugins', () => {
  test('the answer is the first free port in candidate order, not the fastest probe', async () => {
    // Later ports answer sooner; the allocator must still pick the earliest free one.
    const probe: Probe = (port) => new Promise((resolve) => setTimeout(() => resolve({ port, free: port !== 50000 }), 50000 + 40 - port))
    const allocator = createAllocator({ probe, plugins: [{ name: 'list', candidates: () => [50000, 50001, 50002, 50003] }] })
    const result = await allocator.allocate({ basePort: 50000, serviceName: 'order' })
    expect(result.port).toBe(50001)
  })

  test('a probe that never answers costs one port (reason timeout), not the call', async () => {
    const hang = 61000
    const probe: Probe = (port) => (port === hang ? new Promise(() => {}) : Promise.resolve({ port, free: true }))
    const allocator = createAllocator({ probe, timeout: 50 })
    const result = await allocator.allocate({ basePort: hang, serviceName: 'slow' })
    expect(result.port).toBe(hang + 1)
    expect(result.skipped).toEqual([{ port: hang, reason: 'timeout' }])
  })

  test('a failing hook names the plugin and the hook', async () => {
    const broken = definePlugin({
      name: 'broken',
      accept: () => {
        throw new Error('boom')
      },
    })
    const allocator = createAllocator({ plugins: [broken] })
    const error = await allocator.allocate({ basePort: 3000, serviceName: 'x' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'E_PLUGIN', plugin: 'broken', hook: 'accept', message: '[broken] accept failed: boom' })
  })

  test('accept hooks may answer later: every plugin still judges, in order, and a late failure is tagged', async () => {
    const base = await freeRange(12)
    const later = (answer: (port: number) => boolean | string | { defer: string }) => async (port: number) => {
      await Bun.sleep(1)
      return answer(port)
    }
    // An asynchronous deferral, then a synchronous rejection, then an asynchronous rejection.
    const plugins = [
      definePlugin({ name: 'slow-defer', accept: later((port) => (port === base ? { defer: 'dormant' } : true)) }),
      definePlugin({ name: 'sync-odd', accept: (port) => (port - base) % 2 === 0 || port === base }),
      definePlugin({ name: 'slow-low', accept: later((port) => (port < base + 4 ? 'too low' : true)) }),
    ]
    const result = await createAllocator({ plugins }).allocate({ serviceName: 'x', basePort: base, maxPort: base + 11 })
    expect(result.port).toBe(base + 4)
    expect(result.skipped).toEqual([
      { port: base, reason: 'too low' },
      { port: base + 1, reason: 'rejected by sync-odd' },
      { port: base + 2, reason: 'too low' },
      { port: base + 3, reason: 'rejected by sync-odd' },
    ])
    const broken = definePlugin({
      name: 'late-boom',
      accept: later(() => {
        throw new Error('boom')
      }),
    })
    const error = await createAllocator({ plugins: [broken] })
      .allocate({ basePort: base, serviceName: 'x' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'E_PLUGIN', plugin: 'late-boom', hook: 'accept', message: '[late-boom] accept failed: boom' })
  })

  test('dispose runs in reverse order and every plugin disposes even if one fails', async () => {
    const order: string[] = []
    const plugin = (name: string, fail = false) => ({
      name,
      dispose: () => {
        order.push(name)
        if (fail) throw new Error(name)
      },
    })
    const allocator = createAllocator({ plugins: [plugin('a'), plugin('b', true), plugin('c')] })
    await expect(allocator.dispose()).rejects.toThrow('[b] dispose failed: b')
    expect(order).toEqual(['c', 'b', 'a'])
  })

  test('a claim hook that loses a race moves the allocator to the next candidate, with the reason "raced"', async () => {
    const base = await freeRange(3)
    const allocator = createAllocator({ plugins: [{ name: 'registry', claim: (port) => port !== base }] })
    const result = await allocator.allocate({ basePort: base, serviceName: 'x' })
    expect(result.port).toBe(base + 1)
    // Another process won it: not "already handed out in this process" (issue 13, item 9).
    expect(result.skipped).toEqual([{ port: base, reason: 'raced' }])
  })

  test('a deferred port is tried only after every other candidate, and is no longer "skipped" once taken', async () => {
    const base = await freeRange(4)
    const later = definePlugin({ name: 'later', accept: (port) => (port === base ? { defer: 'dormant' } : true) })
    const allocator = createAllocator({ plugins: [later] })
    const first = await allocator.allocate({ serviceName: 'a', basePort: base, maxPort: base + 1 })
    expect(first).toMatchObject({ port: base + 1, skipped: [{ port: base, reason: 'dormant' }] })
    const second = await allocator.allocate({ serviceName: 'b', basePort: base, maxPort: base + 1 })
    expect(second.port).toBe(base)
    expect(second.skipped.map((s) => s.port)).toEqual([base + 1])
  })

  test('a strategy that yields something that is not a port is an error, never skipped', async () => {
    const allocator = createAllocator({ plugins: [{ name: 'bad', candidates: () => [70000] }] })
    await expect(allocator.allocate({ basePort: 3000, serviceName: 'x', exclude: [3000] })).rejects.toThrow('yielded 70000')
  })
})
