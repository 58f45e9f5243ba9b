/** One allocation's progress through its candidates: what was skipped and why, and how long the checks took. */
import type { AllocationRequest, SkippedCandidate } from './types.ts'

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
  /** The user's preferred port and the remembered one: what the outcome is judged against. */
  preferredPort: number
  rememberedPort?: number
}

/** Runs one round of checks and notes how long it took. */
export async function timed<T>(progress: Progress, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await work()
  } finally {
    progress.probeSeconds.push((performance.now() - started) / 1000)
  }
}

/**
 * Records a verdict. When retrying the deferred ports, each one was already counted and recorded
 * on the first walk: its new verdict replaces the deferral instead of being counted twice.
 */
export function record(progress: Progress, verdict: SkippedCandidate, retryingDeferred: boolean): void {
  if (retryingDeferred) {
    const earlier = progress.skipped.findIndex((s) => s.port === verdict.port)
    if (earlier >= 0) progress.skipped.splice(earlier, 1)
  }
  progress.skipped.push(verdict)
}
