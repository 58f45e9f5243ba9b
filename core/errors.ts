import type { SkippedCandidate } from './types.ts'

/**
 * Every failure the library raises is a `PortError` with a `code` from this union,
 * kept alphabetical. Messages always name the value that was wrong.
 */
export type PortErrorCode =
  /** The work was interrupted (a signal, an aborted `AbortSignal`) and rolled back. */
  | 'E_ABORTED'
  | 'E_CONFIG_NOT_INITIALIZED'
  | 'E_INVALID_OPTIONS'
  | 'E_NO_PORT'
  | 'E_PLUGIN'
  | 'E_PROBE'
  | 'E_STATE'
  | 'E_STATE_BUSY'
  /** A file berth would run (a project or plugin file) that someone else could have written. */
  | 'E_UNTRUSTED'
  | 'E_STATE_IO'

export interface PortErrorOptions {
  cause?: unknown
  /** The plugin whose hook failed (only with `E_PLUGIN`). */
  plugin?: string
  /** The hook that failed (only with `E_PLUGIN`). */
  hook?: string
  /** Every candidate passed over, with its reason (only with `E_NO_PORT`). */
  skipped?: SkippedCandidate[]
  /** Seconds each round of port checks took (only with `E_NO_PORT`). */
  probeSeconds?: number[]
}

export class PortError extends Error {
  override name = 'PortError'
  code: PortErrorCode
  plugin?: string
  hook?: string
  skipped?: SkippedCandidate[]
  probeSeconds?: number[]

  constructor(code: PortErrorCode, message: string, options: PortErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    if (options.plugin) this.plugin = options.plugin
    if (options.hook) this.hook = options.hook
    if (options.skipped) this.skipped = options.skipped
    if (options.probeSeconds) this.probeSeconds = options.probeSeconds
  }
}

/** Matches by name as well, so errors from another copy of the library still count. */
export function isPortError(error: unknown): error is PortError {
  return error instanceof PortError || (error as { name?: unknown } | null)?.name === 'PortError'
}
