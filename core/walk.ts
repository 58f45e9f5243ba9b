/**
 * The walk over the candidates: the first free one in candidate order, probed in growing
 * batches, claimed before anyone else in this process can take it. The allocator supplies the
 * engine, its filters and its claim.
 */
import { addressNotHereError } from './address.ts'
import { isClaimed, tryClaim } from './claims.ts'
import type { CheckOptions, ProbeEngine } from './engine.ts'
import { record, timed, type Progress } from './progress.ts'
import type { AllocationRequest, Deferral, ProbeResult, SkipReason, SkippedCandidate } from './types.ts'

export type { Progress } from './progress.ts'

export interface WalkParts {
  engine: ProbeEngine
  /** Filters that need no socket; null means "probe it". A promise only when a plugin's `accept` is async. */
  skipReason(
    port: number,
    req: AllocationRequest,
    retryingDeferred: boolean,
  ): SkipReason | Deferral | null | Promise<SkipReason | Deferral | null>
  /** Claims a free port: null when claimed, else why not; `claimedNow`: the engine already made the in-process claim (`claimNow`). */
  claim(port: number, progress: Progress, claimedNow?: boolean): Promise<SkipReason | null>
}

/** A busy port's verdict. The requested address missing here ends the allocation: no port of it could ever be free. */
function busyVerdict(r: ProbeResult, req: AllocationRequest): SkippedCandidate {
  if (r.reason === 'unavailable' && r.host !== undefined && r.host === req.host) throw addressNotHereError(r.host, r.code)
  return { port: r.port, reason: r.reason ?? 'in-use', ...(r.host ? { host: r.host } : {}) }
}

/**
 * A port in use that the service's own process holds (its plugin says so): the line, else null.
 * Null at once, without a promise, for a port no plugin vouches for (the usual busy port).
 */
function ownHolder(progress: Progress, r: ProbeResult): Promise<string | null> | null {
  const vouch = progress.vouchers.size > 0 && (r.reason ?? 'in-use') === 'in-use' ? progress.vouchers.get(r.port) : undefined
  if (!vouch) return null
  return vouch(r.port).then((line) => {
    if (line) progress.own = line
    return line
  })
}

/**
 * The engine's answers for one batch, by port. An engine that stops at the first free port answers
 * a prefix of what it was sent; a port left unanswered is simply sent again, with the ports after it.
 */
class Answers {
  readonly byPort = new Map<number, ProbeResult>()
  /** Ports the engine claimed in this process the moment it found them free (`claimNow`). */
  readonly claimedNow = new Set<number>()
  readonly how: CheckOptions = { untilFree: true, claimNow: (port) => tryClaim(port) && this.claimedNow.add(port) !== undefined }

  private readonly toProbe: readonly number[]

  constructor(toProbe: readonly number[]) {
    this.toProbe = toProbe
  }

  /**
   * What to send the engine for `port`: it and the unanswered ports after it. Ports another
   * caller in this process claimed since the filters ran are left out: they stay unanswered, never probed.
   */
  unansweredFrom(port: number): number[] {
    return this.toProbe.slice(this.toProbe.indexOf(port)).filter((p) => !this.byPort.has(p) && !isClaimed(p))
  }

  keep(results: readonly ProbeResult[]): void {
    for (const r of results) this.byPort.set(r.port, r)
  }
}

export function createWalk({ engine, skipReason, claim }: WalkParts) {
  /** The filters' verdict on a port they did not let through; a deferred port is also noted to be tried last. */
  function filterVerdict(port: number, reason: SkipReason | Deferral, progress: Progress): SkippedCandidate {
    if (typeof reason === 'string') return { port, reason }
    progress.deferred.push(port)
    return { port, reason: reason.defer }
  }

  /**
   * A probed port's verdict: null when it is the answer (free and now claimed, or held by the
   * service itself). No answer means another caller in this process claimed it first. A promise
   * only when a plugin or the claim has to be asked.
   */
  function probeVerdict(
    port: number,
    r: ProbeResult | undefined,
    claimedNow: boolean,
    progress: Progress,
  ): SkippedCandidate | null | Promise<SkippedCandidate | null> {
    if (!r) return { port, reason: 'claimed' }
    if (r.free) return claim(port, progress, claimedNow).then((refused) => (refused ? { port, reason: refused } : null))
    const own = ownHolder(progress, r)
    return own ? own.then((line) => (line ? null : busyVerdict(r, progress.req))) : busyVerdict(r, progress.req)
  }

  /**
   * Walks one batch: every port's filters first, then the probes; returns the first port in
   * candidate order that could be claimed, whichever probe finished first, or null after
   * recording every port's verdict in `progress`.
   */
  async function walkBatch(batch: readonly number[], progress: Progress, retryingDeferred: boolean): Promise<number | null> {
    const { req } = progress
    const filtered: Array<SkippedCandidate | undefined> = []
    const toProbe: number[] = []
    for (const port of batch) {
      const pending = skipReason(port, req, retryingDeferred)
      const reason = pending instanceof Promise ? await pending : pending
      if (reason === null) toProbe.push(port)
      filtered.push(reason === null ? undefined : filterVerdict(port, reason, progress))
    }
    const answers = new Answers(toProbe)
    for (let i = 0; i < batch.length; i++) {
      const port = batch[i]!
      // A deferred port was counted when the first walk passed over it.
      if (!retryingDeferred) progress.attempts++
      let verdict: SkippedCandidate | null | undefined = filtered[i]
      if (!verdict) {
        if (!answers.byPort.has(port)) {
          const rest = answers.unansweredFrom(port)
          if (rest.length > 0) answers.keep(await timed(progress, () => engine.check(rest, req.hosts, answers.how)))
        }
        const r = answers.byPort.get(port)
        // The usual busy port (no plugin vouches for any port) goes straight to its verdict: a
        // call less per busy port, which shows when walking past many (scenario 2).
        if (r && !r.free && progress.vouchers.size === 0) verdict = busyVerdict(r, req)
        else {
          const pending = probeVerdict(port, r, answers.claimedNow.has(port), progress)
          verdict = pending instanceof Promise ? await pending : pending
          if (!verdict) return port
        }
      }
      record(progress, verdict, retryingDeferred)
    }
    return null
  }

  /** Walks candidates in growing batches and returns the first free one that could be claimed. */
  async function firstFree(batches: AsyncIterable<number[]>, progress: Progress, retryingDeferred: boolean): Promise<number | null> {
    for await (const batch of batches) {
      const port = await walkBatch(batch, progress, retryingDeferred)
      if (port !== null) return port
    }
    return null
  }

  /**
   * The common case, a free first candidate, without the batches' machinery: the same verdicts,
   * one check. Returns the port, or null after recording the first candidate's verdict in `progress`.
   */
  async function tryFirst(port: number, progress: Progress): Promise<number | null> {
    const pending = skipReason(port, progress.req, false)
    const reason = pending instanceof Promise ? await pending : pending
    progress.attempts++
    let verdict: SkippedCandidate | null
    if (reason !== null) verdict = filterVerdict(port, reason, progress)
    else {
      let claimedNow = false
      const [r] = await timed(progress, () =>
        engine.check([port], progress.req.hosts, { untilFree: true, claimNow: (p) => (claimedNow = tryClaim(p)) }),
      )
      const probed = probeVerdict(port, r, claimedNow, progress)
      verdict = probed instanceof Promise ? await probed : probed
      if (!verdict) return port
    }
    record(progress, verdict, false)
    return null
  }

  return { tryFirst, firstFree }
}
