/** The CLI's persistence flags (`--no-persist`, `--owner`, `--ttl`) turned into a persist() plugin. */
import type { PortPlugin } from '../core/types.ts'
import { usageError } from './args.ts'

export interface PersistFlags {
  /** false with `--no-persist`. */
  persist?: boolean
  owner?: unknown
  ttl?: unknown
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `90` (seconds), `30s`, `15m`, `2h`, `7d`. Anything else is a usage error naming the value. */
export function durationArg(name: string, value: unknown): number {
  const match = typeof value === 'string' ? /^([1-9][0-9]{0,8})([smhd]?)$/.exec(value) : null
  if (!match) throw usageError(`${name} must be a duration such as 90, 30s, 15m, 2h or 7d, got ${JSON.stringify(String(value))}`)
  return Number(match[1]) * UNIT_MS[(match[2] || 's') as keyof typeof UNIT_MS]
}

function pidArg(name: string, value: unknown): number {
  const pid = typeof value === 'string' && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(pid)) throw usageError(`${name} must be a process id, got ${JSON.stringify(String(value))}`)
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') throw usageError(`${name} ${pid}: no such process`)
  }
  return pid
}

/**
 * Leases made from a shell belong to the shell (the parent process), as portpicker does it:
 * `PORT=$(berth get web)` keeps the port while the script that asked runs.
 * `--ttl` alone makes a lease that outlives its owner until the time is up.
 */
export interface PersistPlace {
  /** The project the leases belong to; else the one found from `cwd` (with `env`'s BERTH_PROJECT). */
  project?: string
  cwd: string
  env: Record<string, string | undefined>
}

export async function persistPlugin(flags: PersistFlags, place: PersistPlace): Promise<PortPlugin | null> {
  // Each value is checked first, so a wrong one is named before the flags' combination is.
  const ttl = flags.ttl === undefined ? undefined : durationArg('--ttl', flags.ttl)
  const owner = flags.owner === undefined ? undefined : pidArg('--owner', flags.owner)
  if (flags.persist === false) {
    if (owner !== undefined || ttl !== undefined) throw usageError('--owner and --ttl need persistence: drop --no-persist')
    return null
  }
  // A parent outside this pid namespace (berth is its pid 1: a container's command) reads as 0:
  // berth owns the lease itself then, so it is dormant once berth exits (use --owner or --ttl).
  const parent = process.ppid > 0 ? process.ppid : process.pid
  const ownerPid = owner ?? (ttl !== undefined ? null : parent)
  // The registry's modules load only when leases are kept: `--no-persist` never evaluates them.
  const [{ persist }, { findProjectRoot }] = await Promise.all([import('../plugins/persist.ts'), import('../registry/project.ts')])
  // Found here, from the command's working directory, rather than by the plugin from the process's.
  const project = place.project ?? (await findProjectRoot(place.cwd, place.env))
  return persist({ ownerPid, ttl, project })
}
