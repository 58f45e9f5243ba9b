/**
 * Pruning: leases that stayed dormant past a limit are deleted by the claims that come after,
 * a few per claim, inside the claim's own write transaction. Temporary checkouts (CI jobs, test
 * suites in `mktemp -d` folders) would otherwise leave leases behind for good.
 */
import { PortError } from '../core/errors.ts'
import { stateOf, type LeaseRow, type OwnerCheck } from './lease.ts'
import type { SqlDatabase } from './sqlite.ts'

export const DEFAULT_PRUNE_AFTER_MS = 30 * 86_400_000

/** At most this many leases are looked at per claim, so a claim's cost stays bounded. */
const PER_CLAIM = 16

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/**
 * `BERTH_PRUNE_AFTER`: a duration (`90` seconds, `30s`, `15m`, `12h`, `30d`) or `never`.
 * Unset or empty gives the default; anything else is an error naming the value.
 */
export function pruneAfterFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const value = env.BERTH_PRUNE_AFTER
  if (value === undefined || value === '') return DEFAULT_PRUNE_AFTER_MS
  if (value === 'never') return Infinity
  const match = /^([1-9][0-9]{0,8})([smhd]?)$/.exec(value)
  if (!match) {
    throw new PortError(
      'E_INVALID_OPTIONS',
      `BERTH_PRUNE_AFTER must be a duration such as 12h or 30d, or "never", got ${JSON.stringify(value)}`,
    )
  }
  return Number(match[1]) * UNIT_MS[(match[2] || 's') as keyof typeof UNIT_MS]
}

export interface PruneStep {
  now: number
  /** Milliseconds; `Infinity` turns pruning off. */
  after: number
  check: OwnerCheck
  remove(port: number): void
}

/**
 * Looks at a window of PER_CLAIM leases, in port order from a random port between the lowest and
 * the highest leased one, wrapping around to the lowest: bounded work, no index to keep up on
 * every claim, every lease looked at sooner or later (and all of them each time in a registry of
 * at most PER_CLAIM leases). A lease of the window last known active more than `after` ago is
 * deleted when it is dormant; when its owner runs (or its TTL lasts) it is marked active now
 * instead, so a lease whose owner runs is never deleted.
 */
export function pruneDormant(d: SqlDatabase, { now, after, check, remove }: PruneStep, random = Math.random): void {
  if (!Number.isFinite(after)) return
  // Two lookups at the ends of the primary key (one min() and max() together would scan the table).
  const span = d.get<{ low: number | null; high: number | null }>(
    'SELECT (SELECT min(port) FROM leases) AS low, (SELECT max(port) FROM leases) AS high',
  )
  if (span?.low == null || span.high == null) return
  const from = span.low + Math.floor(random() * (span.high - span.low + 1))
  const window = d.all<LeaseRow>('SELECT * FROM leases WHERE port >= ? ORDER BY port LIMIT ?', from, PER_CLAIM)
  if (window.length < PER_CLAIM)
    window.push(...d.all<LeaseRow>('SELECT * FROM leases WHERE port < ? ORDER BY port LIMIT ?', from, PER_CLAIM - window.length))
  for (const row of window) {
    if ((row.active_at ?? row.renewed_at) >= now - after) continue
    if (stateOf(row, now, check) === 'dormant') remove(row.port)
    else d.run('UPDATE leases SET active_at = ? WHERE port = ?', now, row.port)
  }
}
