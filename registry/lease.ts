/** A lease as stored and as seen: its rows, and whether it is active, asking each owner at most once per read. */
import { liveness, ownNamespace, runningPids, type Liveness, type Owner } from './owner.ts'
import { splitProject } from './users.ts'

export type LeaseState = 'active' | 'dormant'

/**
 * A lease whose owner cannot be seen from here (it runs in a pid namespace this process cannot
 * look into) stays active this long after it was renewed: unknown is never taken for gone.
 */
export const UNKNOWN_OWNER_TTL_MS = 24 * 3_600_000

export interface Lease {
  port: number
  /** The project root the lease was made in. */
  project: string
  service: string
  host: string | null
  ownerPid: number | null
  ownerStart: string | null
  /** The pid namespace `ownerPid` belongs to (the inode of /proc/self/ns/pid), or null. */
  ownerNs: string | null
  /** Earlier callers of the same service and port that still ran when the lease was last renewed. */
  otherOwners: Owner[]
  /** Milliseconds since the epoch; the lease stays active until then even without a live owner. */
  leaseUntil: number | null
  createdAt: number
  renewedAt: number
  /** Where the runner moved the service from because another process held that port; null when it did not. */
  movedFrom: MovedFrom | null
  /** Active while one of its owners runs (or its TTL lasts); dormant after. */
  state: LeaseState
  /** The user who made it, in a group's shared registry; null in a private one (all the user's own). */
  uid: number | null
}

/** A port conflict that moved a lease: the port left, who held it (null when not visible), when (ms since the epoch). */
export interface MovedFrom {
  port: number
  holderPid: number | null
  holderCommand: string | null
  at: number
}

export interface LeaseRow {
  port: number
  project: string
  service: string
  host: string | null
  owner_pid: number | null
  owner_start: string | null
  owner_ns: string | null
  lease_until: number | null
  created_at: number
  renewed_at: number
  active_at: number | null
  /** JSON: the other owners, `[{ "pid": 1, "start": "…", "ns": "…" }]`, or null for none. */
  other_owners: string | null
  /** JSON: a `MovedFrom`, or null. */
  moved_from?: string | null
}

/** The other owners of a row; a value berth did not write counts as none (the latest owner still decides). */
export function otherOwners(row: LeaseRow): Owner[] {
  if (row.other_owners === null) return []
  try {
    const list: unknown = JSON.parse(row.other_owners)
    if (!Array.isArray(list)) return []
    return list
      .filter((o): o is Owner => Number.isSafeInteger(o?.pid) && (typeof o.start === 'string' || o.start === null))
      .map((o) => ({ pid: o.pid, start: o.start, ns: typeof o.ns === 'string' ? o.ns : null }))
  } catch {
    return []
  }
}

/** The conflict a row records; a value berth did not write counts as none. */
export function movedFrom(row: LeaseRow): MovedFrom | null {
  if (row.moved_from == null) return null
  try {
    const m = JSON.parse(row.moved_from)
    if (!Number.isSafeInteger(m?.port) || !Number.isSafeInteger(m.at)) return null
    return {
      port: m.port,
      holderPid: Number.isSafeInteger(m.holderPid) ? m.holderPid : null,
      holderCommand: typeof m.holderCommand === 'string' ? m.holderCommand : null,
      at: m.at,
    }
  } catch {
    return null
  }
}

export const movedFromJson = (moved: MovedFrom | null | undefined) =>
  moved ? JSON.stringify({ port: moved.port, holderPid: moved.holderPid, holderCommand: moved.holderCommand, at: moved.at }) : null

export const ownersJson = (owners: Owner[]) =>
  owners.length === 0 ? null : JSON.stringify(owners.map((o) => ({ pid: o.pid, start: o.start, ns: o.ns ?? null })))

export const primaryOwner = (row: LeaseRow): Owner | null =>
  row.owner_pid === null ? null : { pid: row.owner_pid, start: row.owner_start, ns: row.owner_ns }

export const sameOwner = (a: Owner, b: Owner) => a.pid === b.pid && (a.ns ?? null) === (b.ns ?? null)

/** How an owner's liveness is found out: `liveness` from owner.ts, unless injected. */
export type OwnerLiveness = (owner: Owner, recordedAt: number) => Liveness

/**
 * Asks about each owner once per read: many leases usually share one owner. `many`: the read
 * covers many leases (a list), so the running pids are read from /proc once, after the rows.
 */
export function ownerChecks(many = false, ask: OwnerLiveness = liveness) {
  const seen = new Map<string, Liveness>()
  let running: Set<number> | null | undefined
  return (owner: Owner, recordedAt: number): Liveness => {
    if (many && ask === liveness) running ??= runningPids()
    // Most owners of a big registry are gone: settled by the pid set, without a key or a kill(2).
    if (running && !running.has(owner.pid) && (owner.ns == null || owner.ns === ownNamespace())) return 'gone'
    const key = `${owner.ns ?? null}/${owner.pid}/${owner.start}`
    let answer = seen.get(key)
    if (answer === undefined) seen.set(key, (answer = ask(owner, recordedAt)))
    return answer
  }
}

export type OwnerCheck = ReturnType<typeof ownerChecks>

/** Whether an owner keeps a lease active: running, or not visible from here and recorded recently. */
export function keepsActive(owner: Owner, row: LeaseRow, now: number, check: OwnerCheck): boolean {
  const answer = check(owner, row.renewed_at)
  return answer === 'alive' || (answer === 'unknown' && row.renewed_at + UNKNOWN_OWNER_TTL_MS > now)
}

/** The state of a row: its TTL, its latest owner, then its other owners. */
export function stateOf(row: LeaseRow, now: number, check: OwnerCheck): LeaseState {
  if (row.lease_until !== null && row.lease_until > now) return 'active'
  const primary = primaryOwner(row)
  if (primary && keepsActive(primary, row, now, check)) return 'active'
  if (row.other_owners === null) return 'dormant'
  return otherOwners(row).some((owner) => keepsActive(owner, row, now, check)) ? 'active' : 'dormant'
}

/** `state` is worked out when first read: asking an owner takes system calls, and a caller may not need it. */
export function toLease(row: LeaseRow, now: number, check: OwnerCheck): Lease {
  const { project, uid } = splitProject(row.project)
  let state: LeaseState | undefined
  return {
    port: row.port,
    project,
    uid,
    service: row.service,
    host: row.host,
    ownerPid: row.owner_pid,
    ownerStart: row.owner_start,
    ownerNs: row.owner_ns,
    otherOwners: otherOwners(row),
    movedFrom: movedFrom(row),
    leaseUntil: row.lease_until,
    createdAt: row.created_at,
    renewedAt: row.renewed_at,
    get state() {
      state ??= stateOf(row, now, check)
      return state
    },
  }
}
