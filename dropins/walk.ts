/**
 * The drop-ins' walk over candidate ports: the first free one in order, claimed. The originals
 * bind one port after another; berth checks the first candidate alone, then growing batches (8, 32,
 * 64), so a free first candidate costs one bind and each busy one a single `bind(2)` on a reused socket
 * (the raw binder under Bun). Candidates are read only as far as a batch reaches, and an error
 * reading one (the original's RangeError) surfaces only if no earlier candidate was free, as in
 * the original, which never reached it.
 */
import { isClaimed, tryClaim } from '../core/claims.ts'
import { DEFAULT_TIMEOUT_MS, checkPorts, probeHosts } from '../probe/check.ts'
import { type ClaimLifetime, claimed } from './answers.ts'
import { persisting, takeIfFree } from './shared.ts'

const BATCHES = [1, 8, 32, 64]

/** What a candidate means: a port to check, `undefined` to skip it, 0 for "a random port now"; throwing stops the walk. */
export type ReadCandidate = (candidate: unknown) => number | undefined

/**
 * The walk's answer: the claimed port, 0 when it reached a "random port" candidate, undefined when
 * none was free. Most calls end at the first candidate, which is checked on its own; a drop-in's
 * hot path does the same steps itself (`readFirst`, `takeIfFree`, `takeRest`), one call shallower.
 */
export async function takeFirst(
  pkg: string,
  candidates: Iterable<unknown>,
  read: ReadCandidate,
  host: string | undefined,
  lifetime: ClaimLifetime,
): Promise<number | undefined> {
  const iterator = candidates[Symbol.iterator]()
  const first = readFirst(iterator, read)
  if (!first || (await takeIfFree(pkg, first, host, lifetime))) return first
  return takeRest(pkg, iterator, read, host, lifetime)
}

/** The first candidate that names a port (or 0); undefined when none is left. Throws what `read` throws. */
export function readFirst(iterator: Iterator<unknown>, read: ReadCandidate): number | undefined {
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    const port = read(next.value)
    if (port !== undefined) return port
  }
  return undefined
}

/** The walk after the first candidate, in batches of 8, 32, then 64. */
export async function takeRest(
  pkg: string,
  iterator: Iterator<unknown>,
  read: ReadCandidate,
  host: string | undefined,
  lifetime: ClaimLifetime,
): Promise<number | undefined> {
  for (let round = 1; ; round++) {
    const size = BATCHES[Math.min(round, BATCHES.length - 1)]!
    const batch: number[] = []
    // Why the batch ended early: the iterator ran out, a "random port" candidate, or an error reading one.
    let ended = false
    let random = false
    let failed: { error: unknown } | undefined
    while (batch.length < size) {
      const next = iterator.next()
      if (next.done) {
        ended = true
        break
      }
      try {
        const port = read(next.value)
        if (port === 0) {
          random = true
          break
        }
        if (port !== undefined && !isClaimed(port) && !batch.includes(port)) batch.push(port)
      } catch (error) {
        failed = { error }
        break
      }
    }
    let found: number | undefined
    if (batch.length === 1) found = (await takeIfFree(pkg, batch[0]!, host, lifetime)) ? batch[0] : undefined
    else if (batch.length > 1)
      found = persisting() ? await takeOneByOne(pkg, batch, host, lifetime) : await takeChecked(batch, host, lifetime)
    if (found !== undefined) return found
    if (failed) throw failed.error
    if (random) return 0
    if (ended) return undefined
  }
}

/** With the cross-process switch on: one check and one lease at a time, in order. */
async function takeOneByOne(pkg: string, ports: number[], host: string | undefined, lifetime: ClaimLifetime): Promise<number | undefined> {
  for (const port of ports) if (await takeIfFree(pkg, port, host, lifetime)) return port
  return undefined
}

/** The first free port of `ports`, claimed in the same synchronous step as the check that found it free. */
function takeChecked(ports: number[], host: string | undefined, lifetime: ClaimLifetime): Promise<number | undefined> {
  let taken: number | undefined
  const claimNow = (port: number) => {
    if (!tryClaim(port)) return false
    taken = port
    return true
  }
  return checkPorts(ports, probeHosts(host), DEFAULT_TIMEOUT_MS, { untilFree: true, claimNow }).then((results) => {
    // Without the raw binder the batch was checked at once: the first free one not claimed meanwhile.
    if (taken === undefined) taken = results.find((result) => result.free && tryClaim(result.port))?.port
    if (taken !== undefined) claimed(taken, lifetime)
    return taken
  })
}
