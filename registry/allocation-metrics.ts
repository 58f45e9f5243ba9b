/** The metrics one allocation adds: its outcome, the ports it checked, how long the checks took, a sticky move. */
import type { AllocationResult, SkippedCandidate } from '../core/types.ts'
import { count, observe, type Increment } from './metrics.ts'

/** Skip reasons that come from a real check of the port (the others never reached a socket). */
const CHECKED: Record<string, string> = { 'in-use': 'in_use', permission: 'permission', timeout: 'timeout', unavailable: 'unavailable' }

/** Plain loops, as in metrics.ts `observe`: this runs once per cold `berth get`. */
function checks(skipped: readonly SkippedCandidate[], free: number, probeSeconds: readonly number[] = []): Increment[] {
  const byResult = new Map<string, number>()
  if (free > 0) byResult.set('free', free)
  for (const s of skipped) {
    const result = CHECKED[s.reason]
    if (result) byResult.set(result, (byResult.get(result) ?? 0) + 1)
  }
  const increments: Increment[] = []
  for (const [result, n] of byResult) increments.push(count('port_checks', { result }, n))
  for (const seconds of probeSeconds) increments.push(...observe('probe_duration', {}, seconds))
  return increments
}

export function allocationCounts(result: AllocationResult, pool: string | undefined): Increment[] {
  const increments = checks(result.skipped, 1, result.probeSeconds)
  increments.unshift(count('allocations', { service: result.serviceName, pool: pool ?? '', outcome: result.outcome }))
  if (result.rememberedPort !== undefined && result.rememberedPort !== result.port)
    increments.push(count('sticky_moves', { service: result.serviceName }))
  return increments
}

/** A failed allocation: `timeout` when every check timed out, else `strict` or `exhausted`. */
export function failureCounts(
  service: string,
  failure: { skipped?: SkippedCandidate[]; probeSeconds?: number[] },
  strict: boolean,
): Increment[] {
  const skipped = failure.skipped ?? []
  const reason = skipped.length > 0 && skipped.every((s) => s.reason === 'timeout') ? 'timeout' : strict ? 'strict' : 'exhausted'
  return [count('allocation_failures', { service, reason }), ...checks(skipped, 0, failure.probeSeconds)]
}

export const invalidEnvCount = (service: string): Increment => count('allocation_failures', { service, reason: 'invalid_env' })
