import { PortError } from './errors.ts'

/** A lazy range: 1024-65535 costs nothing until it is read. */
export function* portRange(from: number, to: number): Generator<number> {
  for (let port = from; port <= to; port++) yield port
}

/**
 * One lazy stream of candidates: the preferred ports first, then the strategy's,
 * each port once. A plugin that yields something that is not a port is an error, never skipped.
 */
export async function* candidateStream(
  preferred: readonly number[],
  rest: Iterable<number> | AsyncIterable<number>,
  /** Ports already examined (the allocator's fast path): never yielded again. */
  done: readonly number[] = [],
): AsyncGenerator<number> {
  const seen = new Set<number>(done)
  for (const port of preferred) {
    if (seen.has(port)) continue
    seen.add(port)
    yield port
  }
  for await (const port of rest) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PortError('E_PLUGIN', `A candidate source yielded ${String(port)}, which is not a port from 1 to 65535`)
    }
    if (seen.has(port)) continue
    seen.add(port)
    yield port
  }
}

/**
 * Batches grow: the first holds only the preferred port, so the common case costs one probe;
 * later ones are wide enough to scan a busy range quickly without opening thousands of sockets.
 */
export const BATCH_SIZES = [1, 8, 32, 64, 128] as const

export async function* inBatches(stream: AsyncIterable<number>, sizes: readonly number[] = BATCH_SIZES) {
  let batch: number[] = []
  let index = 0
  for await (const port of stream) {
    batch.push(port)
    if (batch.length >= sizes[Math.min(index, sizes.length - 1)]!) {
      yield batch
      batch = []
      index++
    }
  }
  if (batch.length > 0) yield batch
}
