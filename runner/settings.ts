/** The runner's defaults, in one place; every one can be set per service (tests use short ones). */

export interface ServiceTiming {
  /** How long the service may take to be ready. */
  readyTimeoutMs: number
  /** How often /proc is read while waiting. */
  pollMs: number
  /** `--fd` without a probe: how long the child must keep the handed-over socket to count as ready. */
  settleMs: number
  /** SIGTERM, then SIGKILL after this long. */
  stopTimeoutMs: number
  /** Restarts on another port after a port conflict, at most. */
  conflictRetries: number
  /** The wait before the first conflict restart; each next one waits `backoffFactor` times longer. */
  backoffMs: number
  backoffFactor: number
}

export const DEFAULTS: ServiceTiming = {
  readyTimeoutMs: 30_000,
  pollMs: 20,
  settleMs: 500,
  stopTimeoutMs: 5_000,
  conflictRetries: 3,
  backoffMs: 500,
  backoffFactor: 1.5,
}

/** process-compose's `availability` in berth's words: `restart` with `max_restarts` (0: unlimited) and `backoff_seconds`. */
export interface RestartPolicy {
  policy: 'no' | 'on_failure' | 'always'
  max_restarts?: number
  backoff_seconds?: number
}
