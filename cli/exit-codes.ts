import { isPortError, type PortErrorCode } from '../core/index.ts'
import type { Io } from './io.ts'

/** The documented exit codes (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** A port is busy (`check`) or no port was found (`get`, `up`). */
  unavailable: 1,
  /** Bad input or usage. */
  usage: 2,
  /** A bug or an unexpected system error. */
  internal: 70,
  /** The registry stayed locked by another process past the busy timeout: retry. */
  busy: 75,
  /** The registry was refused: a symlink, someone else's directory, a newer schema, no node:sqlite. */
  state: 78,
} as const

const EXIT_BY_CODE: Record<PortErrorCode, number> = {
  E_CONFIG_NOT_INITIALIZED: EXIT.internal,
  E_INVALID_OPTIONS: EXIT.usage,
  E_NO_PORT: EXIT.unavailable,
  E_PLUGIN: EXIT.internal,
  E_PROBE: EXIT.internal,
  E_STATE: EXIT.state,
  E_STATE_BUSY: EXIT.busy,
}

/** Prints an error on stderr and returns its exit code. Unknown errors keep their stack. */
export function reportError(error: unknown, io: Io): number {
  const { red, bold } = io.err
  if (isPortError(error)) {
    const prefix = error.code === 'E_NO_PORT' ? '' : `${red(bold('error'))} `
    io.stderr(`${prefix}${error.message}\n`)
    if (error.code === 'E_INVALID_OPTIONS') io.stderr(`Run "berth --help" for usage.\n`)
    return EXIT_BY_CODE[error.code]
  }
  // cac's own parse errors (unknown option, missing value) are usage errors.
  if (error instanceof Error && error.name === 'CACError') {
    io.stderr(`${red(bold('error'))} ${error.message}\nRun "berth --help" for usage.\n`)
    return EXIT.usage
  }
  io.stderr(`${red(bold('internal error'))} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return EXIT.internal
}
