/**
 * What every conformance test is built from: a free range to allocate from, the suite's requests
 * with what the plugin's author asked for, and fresh allocators using the plugin that give back
 * every port they handed out.
 */
import { createAllocator, type AllocateInput, type Allocator } from '../spec/allocator.ts'
import { releaseClaim } from '../core/claims.ts'
import type { AllocationResult, PortPlugin } from '../core/types.ts'
import type { ConformanceOptions, ConformanceRange } from './options.ts'
import { newRecord, recorded, type Record } from './recorder.ts'
import { freeRange } from './sockets.ts'

type Allocate = (extra?: Partial<AllocateInput>) => Promise<AllocationResult>

export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`conformance: ${message}`)
}

export type Harness = ReturnType<typeof harness>

/** The helpers of one plugin's suite. */
export function harness(makePlugin: (range: ConformanceRange) => PortPlugin, options: ConformanceOptions) {
  /** The suite's n-th request over `range`, with what the plugin's author asked for. */
  const requestOf = (range: ConformanceRange, n: number, extra: Partial<AllocateInput> = {}): AllocateInput => ({
    serviceName: `conformance-${n}`,
    basePort: range.from,
    maxPort: range.to,
    ...options.request?.(range, n),
    ...extra,
  })
  const allocatorFor = (range: ConformanceRange, record = newRecord()) =>
    createAllocator({ plugins: [recorded(makePlugin(range), record)], env: options.env?.(range) ?? {} })

  /** Runs `body` with fresh allocators using the plugin, then gives back every port they handed out. */
  async function using(
    range: ConformanceRange,
    body: (allocate: Allocate, allocator: Allocator, record: Record) => Promise<void>,
    record = newRecord(),
  ) {
    const allocator = allocatorFor(range, record)
    const handed: number[] = []
    let n = 0
    try {
      await body(
        async (extra) => {
          const result = await allocator.allocate(requestOf(range, ++n, extra))
          handed.push(result.port)
          return result
        },
        allocator,
        record,
      )
    } finally {
      for (const port of handed) releaseClaim(port)
      await allocator.dispose()
    }
  }
  const rangeOf = async (count: number): Promise<ConformanceRange> => {
    const from = await freeRange(count)
    return { from, to: from + count - 1 }
  }
  return { makePlugin, options, requestOf, using, rangeOf }
}
