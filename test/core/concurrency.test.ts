/** Callers inside one process: concurrent calls get distinct ports, and allocateMultiplePorts is all or nothing. */
import { describe, expect, test } from 'bun:test'
import { allocateMultiplePorts, allocatePort, type AllocationEvent } from '../../index.ts'
import { cleanAfterEach } from '../helpers/clean.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'

cleanAfterEach()

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
