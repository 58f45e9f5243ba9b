/** The time one port check may take: checked once, and applied to an injected probe as to the built-in one. */
import { PortError } from './errors.ts'
import { DEFAULT_TIMEOUT_MS } from './probing.ts'
import { withTimeout } from './timeout.ts'
import type { Probe, ProbeResult } from './types.ts'

export function resolveTimeout(timeout: unknown): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS
  if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0) return timeout
  throw new PortError('E_INVALID_OPTIONS', `timeout must be a positive number of milliseconds, got ${String(timeout)}`)
}

/** An injected probe gets the same 1-second bound as the built-in one: a hang costs one port, not the call. */
export function bounded(probe: Probe, timeout: number): Probe {
  return (port, hosts) => withTimeout(probe(port, hosts), timeout, (): ProbeResult => ({ port, free: false, reason: 'timeout' }))
}
