/** The answer of an allocation whose walk ended on `port`: built once, when the port is claimed. */
import type { AllocationOutcome, AllocationResult } from './types.ts'
import type { Progress } from './walk.ts'

export function resultOf(port: number, progress: Progress): AllocationResult {
  const { preferredPort, rememberedPort } = progress
  const outcome: AllocationOutcome = port === preferredPort ? 'preferred' : port === rememberedPort ? 'remembered' : 'fallback'
  return {
    port,
    serviceName: progress.req.serviceName,
    preferredPort,
    usedPreferred: outcome === 'preferred',
    outcome,
    ...(rememberedPort === undefined ? {} : { rememberedPort }),
    attempts: progress.attempts,
    host: progress.req.host,
    // A deferred port taken when retrying the deferred ones is no longer "skipped".
    skipped: progress.skipped.filter((s) => s.port !== port),
    probeSeconds: progress.probeSeconds,
  }
}
