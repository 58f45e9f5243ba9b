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
export interface Pass {
  req: AllocationRequest
  skipped: SkippedCandidate[]
  attempts: number
  /** Ports a plugin asked to try last (first pass only). */
  deferred: number[]
}

export interface WalkParts {
  lane: ProbeEngine
  /** Filters that need no socket; null means "probe it". A promise only when a plugin's `accept` is async. */
  skipReason(port: number, req: AllocationRequest, lastPass: boolean): SkipReason | Deferral | null | Promise<SkipReason | Deferral | null>
  /** Claims a free port; `held`: the engine already made the in-process claim (`take`). */
  claim(port: number, req: AllocationRequest, held?: boolean): Promise<boolean>
}

/** An engine's `take`: the in-process claim, made the moment a probe finds the port free; `taken` remembers it. */
const takeInto = (taken: Set<number>) => (port: number) => tryClaim(port) && taken.add(port) !== undefined

/** A busy port's verdict. The requested address missing here ends the allocation: no port of it could ever be free. */
function busyVerdict(r: ProbeResult, req: AllocationRequest): SkippedCandidate {
  if (r.reason === 'unavailable' && r.host !== undefined && r.host === req.host) throw addressNotHereError(r.host, r.code)
  return { port: r.port, reason: r.reason ?? 'in-use', ...(r.host ? { host: r.host } : {}) }
}

export function createWalk({ lane, skipReason, claim }: WalkParts) {
  /** Walks candidates in growing batches and returns the first free one that could be claimed. */
  async function firstFree(batches: AsyncIterable<number[]>, pass: Pass, lastPass: boolean): Promise<number | null> {
    const { req, skipped } = pass
    for await (const batch of batches) {
      const verdicts = new Map<number, SkippedCandidate>()
      const toProbe: number[] = []
      for (const port of batch) {
        const pending = skipReason(port, req, lastPass)
        const reason = pending instanceof Promise ? await pending : pending
        if (reason === null) toProbe.push(port)
        else if (typeof reason === 'string') verdicts.set(port, { port, reason })
        else {
          pass.deferred.push(port)
          verdicts.set(port, { port, reason: reason.defer })
        }
      }
      // The answer is the first free port in candidate order, whichever probe finished first.
      const probed = new Map<number, ProbeResult>()
      const taken = new Set<number>()
      let position = -1 // of `port` in toProbe
      let sent = 0 // toProbe[sent..] has not gone to the engine yet
      for (const port of batch) {
        pass.attempts++
        let verdict = verdicts.get(port)
        if (!verdict) {
          position++
          if (position >= sent) {
            // The engine may stop at the first free port and claim it on the spot (`take`), so
            // concurrent callers never probe a port another one has just won: they skip it.
            const pending = toProbe.slice(position).filter((p) => !isClaimed(p))
            const results = pending.length > 0 ? await lane.check(pending, req.hosts, { untilFree: true, take: takeInto(taken) }) : []
            for (const r of results) probed.set(r.port, r)
            sent = results.length > 0 ? toProbe.indexOf(results.at(-1)!.port) + 1 : toProbe.length
          }
          const r = probed.get(port)
          if (!r) verdict = { port, reason: 'claimed' }
          else if (!r.free) verdict = busyVerdict(r, req)
          else if (!(await claim(port, req, taken.has(port)))) verdict = { port, reason: 'claimed' }
        }
        if (!verdict) return port
        skipped.push(verdict)
      }
    }
    return null
  }

  /**
   * The common case, a free first candidate, without the batching machinery: one check, one
   * claim. Returns the port, or null after recording the first candidate's verdict in `pass`.
   */
  async function tryFirst(port: number, pass: Pass): Promise<number | null> {
    const reason = await skipReason(port, pass.req, false)
    pass.attempts++
    if (reason !== null) {
      if (typeof reason !== 'string') pass.deferred.push(port)
      pass.skipped.push({ port, reason: typeof reason === 'string' ? reason : reason.defer })
      return null
    }
    const taken = new Set<number>()
    const [r] = await lane.check([port], pass.req.hosts, { untilFree: true, take: takeInto(taken) })
    if (r!.free && (await claim(port, pass.req, taken.has(port)))) return port
    pass.skipped.push(r!.free ? { port, reason: 'claimed' } : busyVerdict(r!, pass.req))
    return null
  }

  return { tryFirst, firstFree }
}
