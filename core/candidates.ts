import { PortError } from './errors.ts'

/** A lazy range: 1024-65535 costs nothing until it is read. */
export function* portRange(from: number, to: number): Generator<number> {
  for (let port = from; port <= to; port++) yield port
}

/**
 * Batches grow: the allocator checks its first candidate alone before any batch (the walk's
 * `tryFirst`), so the common case costs one probe; the first batch after it holds one port too
 * (the next preferred one, when there is one), and later ones are wide enough to scan a busy
 * range quickly without opening thousands of sockets.
 */
export const BATCH_SIZES = [1, 8, 32, 64, 128] as const

/**
 * One lazy stream of candidates in growing batches: the preferred ports first, then the
 * strategy's, each port once. A plugin that yields something that is not a port is an error,
 * never skipped. A synchronous source is read without an await per port: a microtask each
 * was a large part of walking past busy ports (scenario 2).
 */
export async function* candidateBatches(
  preferred: readonly number[],
  rest: Iterable<number> | AsyncIterable<number>,
  /** Ports already examined (the allocator's fast path): never yielded again. */
  done: readonly number[] = [],
  sizes: readonly number[] = BATCH_SIZES,
): AsyncGenerator<number[]> {
  const seen = new Set<number>(done)
  let batch: number[] = []
  let index = 0
  /** Adds one candidate; true when the batch is full. */
  const add = (port: number, fromPlugin: boolean): boolean => {
    if (fromPlugin && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new PortError('E_PLUGIN', `A candidate source yielded ${String(port)}, which is not a port from 1 to 65535`)
    }
    if (seen.has(port)) return false
    seen.add(port)
    batch.push(port)
    return batch.length >= sizes[Math.min(index, sizes.length - 1)]!
  }
  const next = () => {
    const full = batch
    batch = []
    index++
    return full
  }
  for (const port of preferred) if (add(port, false)) yield next()
  if (Symbol.iterator in rest) {
    for (const port of rest) if (add(port, true)) yield next()
  } else {
    for await (const port of rest) if (add(port, true)) yield next()
  }
  if (batch.length > 0) yield batch
}
