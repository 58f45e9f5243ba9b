import { afterEach, describe, expect, test } from 'bun:test'
import {
  allocateMultiplePorts,
  allocatePort,
  clearClaims,
  createAllocator,
  definePlugin,
  isPortError,
  type AllocationEvent,
  type Probe,
} from '../../index.ts'
import { plainRequest, schemaRequest } from '../../core/validate.ts'
import { probeHosts } from '../../probe/check.ts'
import { canBind, closeAll, freeRange, hold, holdRange } from '../helpers/sockets.ts'

const held: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await closeAll(held)
  clearClaims()
})

describe('allocatePort', () => {
  test('a free preferred port is used after 1 attempt, with the spec log line', async () => {
    const base = await freeRange(3)
    const lines: string[] = []
    const logger = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l) }
    const result = await allocatePort({ basePort: base, serviceName: 'web-server', logger })
    expect(result).toMatchObject({ port: base, preferredPort: base, usedPreferred: true, attempts: 1 })
    expect(lines).toEqual([
      `🔍 [web-server] Starting port allocation from ${base} (max: ${base + 100})`,
      `✅ [web-server] Allocated preferred port ${base} after 1 attempt(s)`,
    ])
  })

  test('a busy preferred port falls back to the next one: 2 attempts, the spec fallback line', async () => {
    const base = await freeRange(3)
    held.push(await hold('127.0.0.1', base))
    const events: AllocationEvent[] = []
    const result = await allocatePort({ basePort: base, serviceName: 'api-server', onEvent: (e) => events.push(e) })
    expect(result).toMatchObject({ port: base + 1, usedPreferred: false, attempts: 2 })
    expect(result.skipped).toEqual([{ port: base, reason: 'in-use', host: '::' }])
    expect(events.at(-1)?.message).toBe(`⚠️  [api-server] Allocated fallback port ${base + 1} (preferred: ${base}) after 2 attempt(s)`)
  })

  test('a listener on ::1 alone is seen: IPv6-only holders are not missed', async () => {
    const base = await freeRange(2)
    held.push(await hold('::1', base, { ipv6Only: true }))
    const result = await allocatePort({ basePort: base, serviceName: 'v6' })
    expect(result.port).toBe(base + 1)
  })

  test('an exhausted range throws the spec error, counting every candidate', async () => {
    const range = await holdRange(5)
    held.push(range)
    const promise = allocatePort({ basePort: range.from, maxPort: range.to, serviceName: 'web-server' })
    const error = await promise.catch((e: unknown) => e)
    expect(isPortError(error) && error.code).toBe('E_NO_PORT')
    expect((error as Error).message).toBe(
      `🚨 [web-server] No available ports found in range ${range.from}-${range.to} after 5 attempts.\n` +
        'Consider expanding the port range or checking for port conflicts.',
    )
  })

  test('excluded ports are skipped with their reason', async () => {
    const base = await freeRange(4)
    const result = await allocatePort({ basePort: base, serviceName: 'x', exclude: [base, base + 1] })
    expect(result.port).toBe(base + 2)
    expect(result.skipped.map((s) => s.reason)).toEqual(['excluded', 'excluded'])
  })

  test('bad options are refused with a message naming the value', async () => {
    const cases: Array<[object, string]> = [
      [{ basePort: 70000, serviceName: 'x' }, 'basePort must be a whole number from 1 to 65535, got 70000'],
      [{ basePort: '3000', serviceName: 'x' }, 'basePort must be a whole number from 1 to 65535, got "3000"'],
      [{ basePort: 3100, maxPort: 3000, serviceName: 'x' }, 'the range 3100-3000 is reversed'],
      [{ basePort: 3000, serviceName: '' }, 'serviceName must be 1-128 printable characters, got ""'],
      [{ basePort: 3000, serviceName: 'x', exclude: [0] }, 'each excluded port must be a whole number from 1 to 65535, got 0'],
      [{ basePort: 3000, serviceName: 'x', host: 'example.invalid' }, 'Invalid host "example.invalid"'],
    ]
    for (const [options, message] of cases) {
      await expect(allocatePort(options as never)).rejects.toThrow(message)
    }
  })

  test('the hand-checked common request and the schema give the same answers', () => {
    const plain = [
      { basePort: 3000, serviceName: 'web' },
      { basePort: 65500, serviceName: 'x' },
      { basePort: 1, maxPort: 1, serviceName: 'a'.repeat(128) },
      { basePort: 3000, maxPort: 3010, serviceName: 'api server ✓', logger: console },
      { basePort: 3000, serviceName: 'cli', exclude: [] },
    ]
    for (const input of plain) expect(plainRequest(input, probeHosts)).toEqual(schemaRequest(input, probeHosts))
    // Everything else is left to the schema: bad values (it names them) and the other fields.
    const others = [
      { basePort: 0, serviceName: 'x' },
      { basePort: 3000.5, serviceName: 'x' },
      { basePort: 70000, serviceName: 'x' },
      { basePort: '3000', serviceName: 'x' },
      { basePort: Number.NaN, serviceName: 'x' },
      { basePort: 3100, maxPort: 3000, serviceName: 'x' },
      { basePort: 3000, maxPort: 65536, serviceName: 'x' },
      { basePort: 3000, serviceName: '' },
      { basePort: 3000, serviceName: 'a'.repeat(129) },
      { basePort: 3000, serviceName: 'tab\there' },
      { basePort: 3000, serviceName: 7 },
      { basePort: 3000, serviceName: 'x', exclude: [3001] },
      { basePort: 3000, serviceName: 'x', host: '::1' },
      { basePort: 3000, serviceName: 'x', strict: false },
      { basePort: 3000, serviceName: 'x', options: { pool: { name: 'web' } } },
    ]
    for (const input of others) expect(plainRequest(input as never, probeHosts)).toBeNull()
  })
})

describe('concurrency inside one process', () => {
  test('64 concurrent calls get 64 distinct ports, each bindable', async () => {
    const base = await freeRange(1)
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => allocatePort({ basePort: base, maxPort: Math.min(base + 400, 65535), serviceName: `s${i}` })),
    )
    const ports = results.map((r) => r.port)
    expect(new Set(ports).size).toBe(64)
    for (const port of ports) expect(await canBind(port, '127.0.0.1')).toBe(true)
  })

  test('allocateMultiplePorts gives distinct ports and emits the summary report', async () => {
    const base = await freeRange(3)
    const events: AllocationEvent[] = []
    const results = await allocateMultiplePorts(
      [
        { name: 'a', basePort: base },
        { name: 'b', basePort: base },
        { name: 'c', basePort: base },
      ],
      { onEvent: (e) => events.push(e) },
    )
    expect(results.map((r) => r.port)).toEqual([base, base + 1, base + 2])
    expect(events.at(-1)?.type).toBe('summary')
    expect(events.at(-1)?.message).toContain('📊 PORT ALLOCATION SUMMARY:')
  })

  test('allocateMultiplePorts is all or nothing: a failure releases the others', async () => {
    const base = await freeRange(2)
    const services = [
      { name: 'ok', basePort: base },
      { name: 'bad', basePort: base + 1, maxPort: base + 1, exclude: [base + 1] },
    ]
    await expect(allocateMultiplePorts(services)).rejects.toThrow('No available ports')
    // base was released, so it can be handed out again.
    expect((await allocatePort({ basePort: base, serviceName: 'again' })).port).toBe(base)
  })
})

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
