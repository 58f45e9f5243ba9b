/**
 * The walk over the candidates: the first free one in candidate order, probed in growing
 * batches, claimed before anyone else in this process can take it. The allocator supplies the
 * engine, its filters and its claim.
 */
import { addressNotHereError } from './address.ts'
import { isClaimed, tryClaim } from './claims.ts'
import type { ProbeEngine } from './engine.ts'
import type { AllocationRequest, Deferral, ProbeResult, SkipReason, SkippedCandidate } from './types.ts'

/** One allocation's progress through its candidates. */
export interface Progress {
  req: AllocationRequest
  skipped: SkippedCandidate[]
  attempts: number
  /** Ports a plugin asked to try last (the first walk only; tried again after every other candidate). */
  deferred: number[]
  /** Preferred ports whose holder may be the service itself (`PreferredCandidate.inUseByOwn`). */
  vouchers: ReadonlyMap<number, (port: number) => Promise<string | null>>
  /** Set when the answer is a port the service's own process already holds: the line saying so. */
  own?: string
  /** Seconds each round of checks took (for the probe-duration metric). */
  probeSeconds: number[]
}

/** Runs one round of checks and notes how long it took. */
async function timed<T>(progress: Progress, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    progress.probeSeconds.push((performance.now() - started) / 1000)
  }
}

export interface WalkParts {
  engine: ProbeEngine
  /** Filters that need no socket; null means "probe it". A promise only when a plugin's `accept` is async. */
  skipReason(port: number, req: AllocationRequest, retryingDeferred: boolean): SkipReason | Deferral | null | Promise<SkipReason | Deferral | null>
  /** Claims a free port: null when claimed, else why not; `claimedNow`: the engine already made the in-process claim (`claimNow`). */
  claim(port: number, req: AllocationRequest, claimedNow?: boolean): Promise<SkipReason | null>
}

/** An engine's `claimNow`: the in-process claim, made the moment a probe finds the port free; `claimedNow` remembers it. */
const claimNowInto = (claimedNow: Set<number>) => (port: number) => tryClaim(port) && claimedNow.add(port) !== undefined

/** A busy port's verdict. The requested address missing here ends the allocation: no port of it could ever be free. */
function busyVerdict(r: ProbeResult, req: AllocationRequest): SkippedCandidate {
  if (r.reason === 'unavailable' && r.host !== undefined && r.host === req.host) throw addressNotHereError(r.host, r.code)
  return { port: r.port, reason: r.reason ?? 'in-use', ...(r.host ? { host: r.host } : {}) }
}

/** A port in use that the service's own process holds (its plugin says so): the line, else null. */
async function ownHolder(progress: Progress, r: ProbeResult): Promise<string | null> {
  const vouch = progress.vouchers.size > 0 && (r.reason ?? 'in-use') === 'in-use' ? progress.vouchers.get(r.port) : undefined
  if (!vouch) return null
  const line = await vouch(r.port)
  if (line) progress.own = line
  return line
}

/**
 * Records a verdict. When retrying the deferred ports, each one was already counted and recorded
 * on the first walk: its new verdict replaces the deferral instead of being counted twice.
 */
function record(progress: Progress, verdict: SkippedCandidate, retryingDeferred: boolean): void {
  if (retryingDeferred) {
    const earlier = progress.skipped.findIndex((s) => s.port === verdict.port)
    if (earlier >= 0) progress.skipped.splice(earlier, 1)
  }
  progress.skipped.push(verdict)
}

export function createWalk({ engine, skipReason, claim }: WalkParts) {
  /** Walks candidates in growing batches and returns the first free one that could be claimed. */
  async function firstFree(batches: AsyncIterable<number[]>, progress: Progress, retryingDeferred: boolean): Promise<number | null> {
    const { req } = progress
    for await (const batch of batches) {
      const verdicts = new Map<number, SkippedCandidate>()
      const toProbe: number[] = []
      for (const port of batch) {
        const pending = skipReason(port, req, retryingDeferred)
        const reason = pending instanceof Promise ? await pending : pending
        if (reason === null) toProbe.push(port)
        else if (typeof reason === 'string') verdicts.set(port, { port, reason })
        else {
          progress.deferred.push(port)
          verdicts.set(port, { port, reason: reason.defer })
        }
      }
      // The answer is the first free port in candidate order, whichever probe finished first.
      const probed = new Map<number, ProbeResult>()
      const claimedNow = new Set<number>()
      let position = -1 // of `port` in toProbe
      let sent = 0 // toProbe[sent..] has not gone to the engine yet
      for (const port of batch) {
        // A deferred port was counted when the first walk passed over it.
        if (!retryingDeferred) progress.attempts++
        let verdict = verdicts.get(port)
        if (!verdict) {
          position++
          if (position >= sent) {
            // The engine may stop at the first free port and claim it on the spot (`claimNow`), so
            // concurrent callers never probe a port another one has just won: they skip it.
            const pending = toProbe.slice(position).filter((p) => !isClaimed(p))
            const results = pending.length > 0 ? await timed(progress, () => engine.check(pending, req.hosts, { untilFree: true, claimNow: claimNowInto(claimedNow) })) : []
            for (const r of results) probed.set(r.port, r)
            sent = results.length > 0 ? toProbe.indexOf(results.at(-1)!.port) + 1 : toProbe.length
          }
          const r = probed.get(port)
          if (!r) verdict = { port, reason: 'claimed' }
          else if (!r.free) {
            if (await ownHolder(progress, r)) return port
            verdict = busyVerdict(r, req)
          } else {
            const refused = await claim(port, req, claimedNow.has(port))
            if (refused) verdict = { port, reason: refused }
          }
        }
        if (!verdict) return port
        record(progress, verdict, retryingDeferred)
      }
    }
    return null
  }

  /**
   * The common case, a free first candidate, without the batching machinery: one check, one
   * claim. Returns the port, or null after recording the first candidate's verdict in `progress`.
   */
  async function tryFirst(port: number, progress: Progress): Promise<number | null> {
    const reason = await skipReason(port, progress.req, false)
    progress.attempts++
    if (reason !== null) {
      if (typeof reason !== 'string') progress.deferred.push(port)
      progress.skipped.push({ port, reason: typeof reason === 'string' ? reason : reason.defer })
      return null
    }
    const claimedNow = new Set<number>()
    const [r] = await timed(progress, () => engine.check([port], progress.req.hosts, { untilFree: true, claimNow: claimNowInto(claimedNow) }))
    if (!r!.free) {
      if (await ownHolder(progress, r!)) return port
      progress.skipped.push(busyVerdict(r!, progress.req))
      return null
    }
    const refused = await claim(port, progress.req, claimedNow.has(port))
    if (refused === null) return port
    progress.skipped.push({ port, reason: refused })
    return null
  }

  return { tryFirst, firstFree }
}
