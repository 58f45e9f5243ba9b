import { isPortError, type PortErrorCode } from '../core/errors.ts'
import { escapeLines } from './escape.ts'
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
  /** The registry could not be written: the disk is full or failing. */
  io: 74,
  /** The registry stayed locked by another process past the busy timeout: retry. */
  busy: 75,
  /**
   * The registry was refused or cannot be used: a symlink, someone else's directory or file, a
   * loose (world-writable) parent, no permission, a read-only file system, a newer schema, no
   * node:sqlite; or a file berth would run was not trusted.
   */
  state: 78,
  /** Interrupted by SIGINT (128 + 2); SIGTERM gives 143 (128 + 15). Nothing was leased (`up`). */
  interrupted: 130,
} as const

const EXIT_BY_CODE: Record<PortErrorCode, number> = {
  E_ABORTED: EXIT.interrupted,
  E_CONFIG_NOT_INITIALIZED: EXIT.internal,
  E_INVALID_OPTIONS: EXIT.usage,
  E_NO_PORT: EXIT.unavailable,
  E_PLUGIN: EXIT.internal,
  E_PROBE: EXIT.internal,
  E_STATE: EXIT.state,
  E_STATE_BUSY: EXIT.busy,
  E_UNTRUSTED: EXIT.state,
  E_STATE_IO: EXIT.io,
}

const POLICY_FLAGS: Record<string, string> = {
  ephemeral: '--allow-ephemeral',
  'browser-unsafe': '--allow-unsafe',
  privileged: '--allow-privileged',
}

/** When the exclusion policy passed over candidates of an exhausted range, say so and which flag hands them out. */
function policyHint(skipped: ReadonlyArray<{ reason: string }>): string {
  const counts = new Map<string, number>()
  for (const { reason } of skipped) if (reason in POLICY_FLAGS) counts.set(reason, (counts.get(reason) ?? 0) + 1)
  if (counts.size === 0) return ''
  const parts = [...counts].map(([reason, n]) => `${n} ${reason} (${POLICY_FLAGS[reason]})`)
  return `The exclusion policy passed over ${parts.join(', ')}.`
}

/** Prints an error on stderr and returns its exit code. Unknown errors keep their stack. */
export function reportError(error: unknown, io: Io): number {
  const { red, bold } = io.err
  if (isPortError(error)) {
    const prefix = error.code === 'E_NO_PORT' ? '' : `${red(bold('error'))} `
    io.stderr(`${prefix}${escapeLines(error.message)}\n`)
    if (error.code === 'E_INVALID_OPTIONS') io.stderr(`Run "berth --help" for usage.\n`)
    const hint = error.code === 'E_NO_PORT' ? policyHint(error.skipped ?? []) : ''
    if (hint) io.stderr(`${hint}\n`)
    return EXIT_BY_CODE[error.code]
  }
  // cac's own parse errors (unknown option, missing value) are usage errors.
  if (error instanceof Error && error.name === 'CACError') {
    io.stderr(`${red(bold('error'))} ${escapeLines(error.message)}\nRun "berth --help" for usage.\n`)
    return EXIT.usage
  }
  io.stderr(`${red(bold('internal error'))} ${escapeLines(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`)
  return EXIT.internal
}
