/** The runner opens the registry once: persist() takes the caller's open registry, writes through it, and leaves it open. */
import { describe, expect, test } from 'bun:test'
import { persist } from '../../plugins/persist.ts'
import { createRegistry } from '../../registry/registry.ts'
import { createAllocator } from '../../spec/allocator.ts'
import { freshStateDir } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const temp = tempDirs()

describe("persist({ registry }): the caller's registry", () => {
  test('the lease is written to the given registry (not BERTH_STATE_DIR), which stays open after dispose', async () => {
    const project = temp('proj')
    const base = await freeRange(2)
    const registry = createRegistry(freshStateDir())
    const elsewhere = freshStateDir()
    const allocator = createAllocator({
      plugins: [persist({ project, ownerPid: process.pid, registry })],
      env: { ...process.env, BERTH_STATE_DIR: elsewhere },
    })
    const result = await allocator.allocate({ serviceName: 'web', basePort: base, maxPort: base + 1 })
    await allocator.dispose()
    const opened = await registry
    // Still open: the caller closes it.
    expect(opened.leaseOf(project, 'web')?.port).toBe(result.port)
    expect(opened.servicePorts(project)).toEqual([{ service: 'web', port: result.port }])
    opened.close()
    const other = await createRegistry(elsewhere)
    expect(other.list()).toEqual([])
    other.close()
  })
})
