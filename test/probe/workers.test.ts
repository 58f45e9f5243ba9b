/** The probing engine: the same answers on the main thread and on the workers, timeouts in workers, lazy start, clean teardown. */
import { afterEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { checkPort, probeHosts } from '../../probe/check.ts'
import { createAllocator, scanPorts } from '../../index.ts'
import { createWorkerEngine } from '../../probe/workers/engine.ts'
import { ROOT } from '../helpers/binary.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'

const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

const fixture = (name: string) => join(ROOT, 'test', 'probe', 'fixtures', name)

/** Holds ports of a range on every kind of address a listener can use. */
async function holdMixed(from: number) {
  held.push(await hold('127.0.0.1', from + 3))
  held.push(await hold('::1', from + 9, { ipv6Only: true }))
  held.push(await hold('::', from + 20))
  held.push(await hold('0.0.0.0', from + 41))
  held.push(await hold('::', from + 63, { ipv6Only: true }))
  return [3, 9, 20, 41, 63].map((offset) => from + offset)
}

describe('main thread and workers', () => {
  test('give identical answers for the same range and held ports (IPv4 and IPv6 holders)', async () => {
    const from = await freeRange(80)
    const busy = await holdMixed(from)
    const main = await scanPorts(from, from + 79, { runOn: 'main' })
    // Workers alone, so every answer comes from a worker; then the default, the main thread taking chunks too.
    const pool = await scanPorts(from, from + 79, { runOn: 'workers', chunkSize: 16, threads: 2, mainThreadHelps: false })
    expect(pool).toEqual(main)
    expect(await scanPorts(from, from + 79, { runOn: 'workers', chunkSize: 8 })).toEqual(main)
    expect(main.busy.map((b) => b.port)).toEqual(busy)
    expect(main.busy.every((b) => b.reason === 'in-use')).toBe(true)
    expect(main.free).toBe(80 - busy.length)
    expect(main.runs.slice(0, 2)).toEqual([
      { from: from + 42, to: from + 62, length: 21 },
      { from: from + 21, to: from + 40, length: 20 },
    ])
  })

  test('the size of a batch picks main thread or workers, and the workers start only when one needs them', async () => {
    const probe = (port: number, hosts: readonly string[]) => checkPort(port, hosts)
    const engine = createWorkerEngine({ probe, timeout: 1000, workerThreshold: 64, threads: 1 })
    const allocator = createAllocator({}, engine)
    const base = await freeRange(2)
    await allocator.allocate({ serviceName: 'web', basePort: base })
    expect(engine.workersStarted).toBe(false)
    const from = await freeRange(64)
    const results = await engine.check(
      Array.from({ length: 64 }, (_, i) => from + i),
      probeHosts(undefined),
    )
    expect(engine.workersStarted).toBe(true)
    expect(results.map((r) => r.port)).toEqual(Array.from({ length: 64 }, (_, i) => from + i))
    await allocator.dispose()
    await engine.destroy()
  })
})

describe('hangs inside a worker', () => {
  test('a check that never answers marks its port "timeout", and the workers are replaced', async () => {
    const engine = createWorkerEngine({
      probe: () => Promise.reject(new Error('the main thread must not probe')),
      timeout: 150,
      threads: 2,
      probeModule: fixture('hanging-probe.ts'),
      chunkSize: 10,
    })
    const ports = Array.from({ length: 40 }, (_, i) => 20000 + i)
    const results = await engine.check(ports, ['::'], { runOn: 'workers' })
    expect(results.filter((r) => !r.free)).toEqual([20007, 20017, 20027, 20037].map((port) => ({ port, free: false, reason: 'timeout' })))
    expect(engine.replacedWorkers).toBeGreaterThan(0)
    // The replaced workers still work.
    expect((await engine.check([20040, 20041], ['::'], { runOn: 'workers' })).every((r) => r.free)).toBe(true)
    await engine.destroy()
  })

  test('a worker blocked for good is terminated and its chunk reported "timeout"', async () => {
    const engine = createWorkerEngine({
      probe: () => Promise.reject(new Error('unused')),
      timeout: 100,
      threads: 2,
      probeModule: fixture('blocking-probe.ts'),
      chunkSize: 4,
    })
    const results = await engine.check([1, 2, 3, 4, 5, 6, 7, 8], ['::'], { runOn: 'workers' })
    expect(results.slice(0, 4).map((r) => r.reason)).toEqual(['timeout', 'timeout', 'timeout', 'timeout'])
    expect(results.slice(4).every((r) => r.free)).toBe(true)
    expect(engine.replacedWorkers).toBe(1)
    await engine.destroy()
  }, 15_000)
})

describe('teardown', () => {
  test('a process that ran a pooled scan ends on its own', async () => {
    const from = await freeRange(1)
    const script = `const { scanPorts } = await import(${JSON.stringify(join(ROOT, 'index.ts'))}); const r = await scanPorts(${from}, ${from + 99}, { runOn: 'workers', chunkSize: 25 }); console.log(r.free + r.busy.length)`
    const proc = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'pipe' })
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000)
    const code = await proc.exited
    clearTimeout(guard)
    expect(code).toBe(0)
    expect((await new Response(proc.stdout).text()).trim()).toBe('100')
  }, 30_000)

  test('scanPorts refuses a reversed or invalid range', async () => {
    await expect(scanPorts(3100, 3000)).rejects.toThrow('The range 3100-3000 is reversed')
    await expect(scanPorts(0, 10)).rejects.toMatchObject({ code: 'E_INVALID_OPTIONS' })
  })
})
