/**
 * A claim: one write transaction that checks the port's lease, keeps the owners who still run,
 * writes the new lease with the allocation's metrics, and prunes a few long-dormant leases.
 * Inside the lock there are only indexed reads, kill(pid, 0) and /proc reads: no probing.
 */
import {
  keepsActive,
  movedFromJson,
  otherOwners,
  ownersJson,
  primaryOwner,
  sameOwner,
  stateOf,
  type LeaseRow,
  type MovedFrom,
  type OwnerCheck,
} from './lease.ts'
import { addIncrements, count, type Increment } from './metrics.ts'
import type { Owner } from './owner.ts'
import { pruneDormant } from './prune.ts'
import { deleteRow, rowAt, serviceRow, type SavedRow } from './rows.ts'
import type { SqlDatabase } from './sqlite.ts'

export interface ClaimInput {
  port: number
  project: string
  service: string
  host: string | null
  owner: Owner | null
  leaseUntil: number | null
  /**
   * Whether a dormant lease of another service may be taken over. Only when the caller saw it
   * dormant before and tried everything else first: a lease that went dormant a moment ago
   * belongs to a service that will likely be back.
   */
  replaceDormant: boolean
  /**
   * The port conflict that moved the service here (the runner's). Left out, a renewal on the same
   * port keeps what the lease recorded, and a lease on a new port records none.
   */
  movedFrom?: MovedFrom
  /** Metrics added in the same transaction as the lease (kept only when the claim is won). */
  counts?: readonly Increment[]
  /** Filled, when the claim is won, with the rows it replaced as stored: what `restore` puts back. */
  replaced?: SavedRow[]
}

/** What a claim needs besides its input: the project as stored, the time, the owner check, the pruning limit. */
export interface ClaimContext {
  storedProject: string
  now: number
  check: OwnerCheck
  pruneAfter: number
}

const INSERT_LEASE =
  'INSERT INTO leases (port, project, service, host, owner_pid, owner_start, owner_ns, other_owners, lease_until, created_at, renewed_at, active_at, moved_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

/** The owners of `mine` that still keep it active, except the new owner: they were handed this port too. */
function ownersToKeep(mine: LeaseRow, owner: Owner | null, now: number, check: OwnerCheck): Owner[] {
  const before = [primaryOwner(mine), ...otherOwners(mine)].filter((o): o is Owner => o !== null)
  const kept: Owner[] = []
  for (const o of before) {
    if (owner && sameOwner(o, owner)) continue
    if (kept.some((k) => sameOwner(k, o))) continue
    if (keepsActive(o, mine, now, check)) kept.push(o)
  }
  return kept
}

/**
 * The service moves to another port. Its old lease goes, unless processes it was handed to
 * still run: then it stays theirs, renamed `<service>@<port>`, and is active until they exit.
 * (A name already taken in the project leaves nothing to rename to: the old lease goes then.)
 */
function retire(d: SqlDatabase, mine: LeaseRow, stillOwned: Owner[]): void {
  const [first, ...rest] = stillOwned
  if (first) {
    d.run(
      'UPDATE OR IGNORE leases SET service = ?, owner_pid = ?, owner_start = ?, owner_ns = ?, other_owners = ? WHERE port = ?',
      `${mine.service}@${mine.port}`,
      first.pid,
      first.start,
      first.ns ?? null,
      ownersJson(rest),
      mine.port,
    )
  }
  d.run('DELETE FROM leases WHERE port = ? AND service = ?', mine.port, mine.service)
}

/** The rows a claim replaces, each once, as stored: the lease on its port and the service's own lease. */
function replacedRows(held: LeaseRow | undefined, mine: LeaseRow | undefined): SavedRow[] {
  const rows = mine && mine.port !== held?.port ? [held, mine] : [held]
  return rows.filter((row) => row !== undefined).map((row) => ({ ...row }) as unknown as SavedRow)
}

/** Records the lease unless another service holds the port; false means another process won it. The caller holds the write lock. */
export function claimLease(d: SqlDatabase, input: ClaimInput, { storedProject: project, now, check, pruneAfter }: ClaimContext): boolean {
  const held = rowAt(d, input.port)
  const another = held !== undefined && !(held.project === project && held.service === input.service)
  if (another && (stateOf(held, now, check) === 'active' || !input.replaceDormant)) return false
  const mine = serviceRow(d, project, input.service)
  input.replaced?.push(...replacedRows(held, mine))
  const samePort = mine?.port === input.port
  const kept = samePort ? ownersToKeep(mine, input.owner, now, check) : []
  if (held) deleteRow(d, input.port)
  // Only another service's lease is taken back: this service's own is renewed.
  addIncrements(d, [...(input.counts ?? []), ...(another ? [count('lease_reclaims', { reason: 'dormant_taken' })] : [])])
  if (mine && !samePort) retire(d, mine, ownersToKeep(mine, input.owner, now, check))
  const { owner } = input
  d.run(
    INSERT_LEASE,
    input.port,
    project,
    input.service,
    input.host,
    owner?.pid ?? null,
    owner?.start ?? null,
    owner?.ns ?? null,
    ownersJson(kept),
    input.leaseUntil,
    samePort ? mine.created_at : now,
    now,
    Math.max(now, input.leaseUntil ?? 0),
    input.movedFrom ? movedFromJson(input.movedFrom) : samePort ? (mine.moved_from ?? null) : null,
  )
  pruneDormant(d, {
    now,
    after: pruneAfter,
    check,
    remove: (port) => {
      deleteRow(d, port)
      addIncrements(d, [count('lease_reclaims', { reason: 'pruned' })])
    },
  })
  return true
}
