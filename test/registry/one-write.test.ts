/**
 * One write per allocation: the `claim` hook is handed the result the allocation answers if the
 * claim wins, and persist() writes the lease and the allocation's metrics in that one transaction.
 * A real registry on disk, real sockets; the registry is wrapped only to see which writes it gets.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { clearClaims, createAllocator, type AllocationResult, type PortPlugin } from '../../index.ts'
import { persist } from '../../plugins/persist.ts'
import { createRegistry, type Registry } from '../../registry/registry.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
afterEach(() => clearClaims())

/** The registry, with the name of each write it is asked for noted in `writes`. */
async function watchedRegistry(writes: string[]): Promise<Registry> {
  const registry = await createRegistry(join(tempDir('berth-one-write'), 'state'))
  return {
    ...registry,
    claim(input) {
      writes.push('claim')
      return registry.claim(input)
    },
    count(increments) {
      writes.push('count')
      registry.count(increments)
    },
  }
}

const sample = (registry: Registry, name: string, labels: Record<string, string>) =>
  registry.samples().find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value

describe('one write per allocation', () => {
  test("a plugin's claim gets the result the allocation answers, skipped ports and outcome included", async () => {
    const base = await freeRange(3)
    const blocker = await hold('127.0.0.1', base)
    const seen: Array<[number, AllocationResult]> = []
    const recorder: PortPlugin = {
      name: 'recorder',
      claim(port, _req, _ctx, result) {
        seen.push([port, result])
        return true
      },
    }
    try {
      const result = await createAllocator({ plugins: [recorder] }).allocate({ serviceName: 'web', basePort: base, maxPort: base + 2 })
      expect(result.port).toBe(base + 1)
      expect(result.outcome).toBe('fallback')
      expect(seen).toEqual([[base + 1, result]])
      expect(seen[0]![1].skipped.map((s) => s.port)).toEqual([base])
    } finally {
      await closeAll([blocker])
    }
  })

  /** An allocator with persist() on a watched registry; `web` allocated once from a free pair of ports. */
  async function allocatedOnce(check: (parts: { registry: Registry; writes: string[]; allocate: () => Promise<number> }) => Promise<void>) {
    const writes: string[] = []
    const registry = await watchedRegistry(writes)
    const base = await freeRange(2)
    const allocator = createAllocator({
      plugins: [persist({ registry: Promise.resolve(registry), project: '/one-write', ownerPid: process.pid })],
    })
    const allocate = async () => (await allocator.allocate({ serviceName: 'web', basePort: base, maxPort: base + 1 })).port
    try {
      expect(await allocate()).toBe(base)
      await check({ registry, writes, allocate })
    } finally {
      await allocator.dispose()
      registry.close()
    }
  }

  test('persist() writes the lease and its metrics in one transaction', () =>
    allocatedOnce(async ({ registry, writes }) => {
      expect(writes).toEqual(['claim'])
      expect(sample(registry, 'berth_allocations_total', { service: 'web', outcome: 'preferred' })).toBe(1)
      expect(sample(registry, 'berth_port_checks_total', { result: 'free' })).toBe(1)
      expect(sample(registry, 'berth_probe_duration_seconds_count', {})).toBe(1)
    }))

  test("a port answered as the service's own (no claim) is still counted, once", () =>
    allocatedOnce(async ({ registry, writes, allocate }) => {
      const port = Number(registry.leaseOf('/one-write', 'web')?.port)
      clearClaims() // as a new process would start: the lease stays, this process's claim goes
      // This process, the lease's owner, now listens on the port: it stays web's, without a new claim.
      const own = await hold('127.0.0.1', port)
      try {
        expect(await allocate()).toBe(port)
      } finally {
        await closeAll([own])
      }
      expect(writes.filter((w) => w === 'claim')).toHaveLength(1)
      expect(sample(registry, 'berth_allocations_total', { service: 'web' })).toBe(2)
    }))
})
