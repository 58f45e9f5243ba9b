/**
 * The lease table: who holds which port, read and written under SQLite's write lock. An
 * allocation reads only the rows it needs, through the table's indexes, and checks only their
 * owners, so its cost does not grow with the registry.
 */
import {
  keepsActive,
  movedFromJson,
  otherOwners,
  ownerChecks,
  ownersJson,
  primaryOwner,
  sameOwner,
  toLease,
  type Lease,
  type LeaseRow,
  type MovedFrom,
  type OwnerCheck,
  type OwnerLiveness,
} from './lease.ts'
import { openRegistry } from './open.ts'
import type { Owner } from './owner.ts'
import { DEFAULT_PRUNE_AFTER_MS, pruneDormant } from './prune.ts'
import { immediate, type SqlDatabase } from './sqlite.ts'
import { mayRemove, scopeProject } from './users.ts'
import { addIncrements, count as countOf, counterName, readSamples, type Increment, type Labels, type Sample } from './metrics.ts'

export type { Lease, LeaseState, MovedFrom } from './lease.ts'

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

/** Which leases `forget` deletes: the one on a port (of one project, if given), or a service's. */
export type LeaseKey = { port: number; project?: string } | { project: string; service: string }

export interface RegistryOptions {
  /** Leases dormant (not renewed, nor seen active) this many milliseconds are deleted by the next claim. `Infinity`: never. */
  pruneAfter?: number
  /** How an owner's liveness is found out. @default kill(2) and /proc, see owner.ts */
  liveness?: OwnerLiveness
}

/** A lease row exactly as stored, every column (whatever the schema version adds). */
export type SavedRow = Record<string, string | number | null>

export interface Registry {
  path: string
  /** A group's shared registry: leases carry their user, and each user removes only their own (root any). */
  shared: boolean
  warnings: string[]
  /** Every lease, ordered by project and service: reads the whole table. */
  list(): Lease[]
  /** One service's lease, through the (project, service) index. */
  leaseOf(project: string, service: string): Lease | undefined
  /** The lease of `service` in `project`, or of its instances (`service#1`, `service#2`…), in instance order. Read-only. */
  leasesOf(project: string, service: string): Lease[]
  /** The lease on one port, through the primary key. */
  leaseAt(port: number): Lease | undefined
  /** This user's services of `project` and their ports, as stored, through the (project, service) index: no owner is asked. */
  servicePorts(project: string): Array<{ service: string; port: number }>
  /**
   * Records the lease unless another service holds the port (see `replaceDormant`); false means
   * another process won it. Replaces this service's earlier lease; earlier owners of the same
   * service and port that still run stay owners. Prunes a few long-dormant leases on the way.
   */
  claim(input: ClaimInput): boolean
  /**
   * Deletes leases matching `where` that this user may remove, re-checked under the lock; reads
   * the whole table. Returns what was deleted; `reclaim` counts them as reclaims with that reason.
   */
  remove(where: (lease: Lease) => boolean, reclaim?: string): Lease[]
  /** Deletes the leases `key` names that this user may remove, through the indexes; returns what was deleted. */
  forget(key: LeaseKey): Lease[]
  /**
   * Undoes a claim (a failed `berth up`): deletes the lease of (port, project, service) if it is
   * still that one, and puts the saved rows back where no other lease has taken their place.
   */
  restore(port: number, project: string, service: string, saved: readonly SavedRow[]): void
  /** Adds to metrics in one write transaction of their own. */
  count(increments: readonly Increment[]): void
  /** Adds `by` (default 1) to a counter by its name, such as `conflict_restarts` (the runner's). */
  countEvent(name: string, labels: Labels, by?: number): void
  /** Every stored metrics sample. */
  samples(): Sample[]
  close(): void
}

/** The rows a claim replaces, each once, as stored: the lease on its port and the service's own lease. */
function replacedRows(held: LeaseRow | undefined, mine: LeaseRow | undefined): SavedRow[] {
  const rows = mine && mine.port !== held?.port ? [held, mine] : [held]
  return rows.filter((row) => row !== undefined).map((row) => ({ ...row }) as unknown as SavedRow)
}

const INSERT_LEASE =
  'INSERT INTO leases (port, project, service, host, owner_pid, owner_start, owner_ns, other_owners, lease_until, created_at, renewed_at, active_at, moved_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

export async function createRegistry(dir: string, options: RegistryOptions = {}): Promise<Registry> {
  const pruneAfter = options.pruneAfter ?? DEFAULT_PRUNE_AFTER_MS
  const checks = (many = false) => ownerChecks(many, options.liveness)
  const store = await openRegistry(dir)
  // Each step runs through the store, which heals a damaged file and words failures.
  const guarded = <T>(work: (db: SqlDatabase) => T): T => store.use(work)
  /** The key a project is stored under: with this user in a shared registry. */
  const stored = (project: string) => scopeProject(project, store.shared)
  const seen = (row: LeaseRow | undefined, check: OwnerCheck = checks()) => row && toLease(row, Date.now(), check)
  const all = (d: SqlDatabase) => {
    const now = Date.now()
    const check = checks(true)
    return d.all<LeaseRow>('SELECT * FROM leases ORDER BY project, service').map((row) => toLease(row, now, check))
  }
  const deleteLease = (d: SqlDatabase, port: number) => d.run('DELETE FROM leases WHERE port = ?', port)
  const leaseAt = (d: SqlDatabase, port: number) => d.get<LeaseRow>('SELECT * FROM leases WHERE port = ?', port)
  const serviceLease = (d: SqlDatabase, storedProject: string, service: string) =>
    d.get<LeaseRow>('SELECT * FROM leases WHERE project = ? AND service = ?', storedProject, service)

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

  return {
    path: store.path,
    shared: store.shared,
    warnings: store.warnings,
    list: () => guarded(all),
    leaseOf: (project, service) => guarded((d) => seen(serviceLease(d, stored(project), service))),
    leasesOf: (project, service) =>
      guarded((d) => {
        const now = Date.now()
        const check = checks()
        const rows = d.all<LeaseRow>(
          'SELECT * FROM leases WHERE project = ? AND (service = ? OR substr(service, 1, ?) = ?)',
          stored(project),
          service,
          service.length + 1,
          `${service}#`,
        )
        const instance = (row: LeaseRow) => (row.service === service ? 0 : Number(row.service.slice(service.length + 1)))
        return rows.sort((a, b) => instance(a) - instance(b)).map((row) => toLease(row, now, check))
      }),
    leaseAt: (port) => guarded((d) => seen(leaseAt(d, port))),
    servicePorts: (project) =>
      guarded((d) => d.all<{ service: string; port: number }>('SELECT service, port FROM leases WHERE project = ?', stored(project))),
    claim: (input) =>
      guarded((d) =>
        immediate(d, () => {
          const now = Date.now()
          const check = checks()
          const project = stored(input.project)
          // Inside the lock: only indexed reads, kill(pid, 0) and /proc reads. No probing here.
          const held = leaseAt(d, input.port)
          if (held && !(held.project === project && held.service === input.service)) {
            if (seen(held, check)!.state === 'active' || !input.replaceDormant) return false
          }
          const mine = serviceLease(d, project, input.service)
          input.replaced?.push(...replacedRows(held, mine))
          const samePort = mine?.port === input.port
          const kept = samePort ? ownersToKeep(mine, input.owner, now, check) : []
          if (held) deleteLease(d, input.port)
          // Only another service's lease is taken back: this service's own is renewed.
          const reclaimed = held && !(held.project === project && held.service === input.service)
          addIncrements(d, [...(input.counts ?? []), ...(reclaimed ? [countOf('lease_reclaims', { reason: 'dormant_taken' })] : [])])
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
              deleteLease(d, port)
              addIncrements(d, [countOf('lease_reclaims', { reason: 'pruned' })])
            },
          })
          return true
        }),
      ),
    remove: (where, reclaim) =>
      guarded((d) =>
        immediate(d, () => {
          const gone = all(d).filter((lease) => mayRemove(lease.uid) && where(lease))
          for (const lease of gone) deleteLease(d, lease.port)
          if (reclaim !== undefined && gone.length > 0) addIncrements(d, [countOf('lease_reclaims', { reason: reclaim }, gone.length)])
          return gone
        }),
      ),
    forget: (key) =>
      guarded((d) =>
        immediate(d, () => {
          const row = 'port' in key ? leaseAt(d, key.port) : serviceLease(d, stored(key.project), key.service)
          if (!row || (key.project !== undefined && row.project !== stored(key.project))) return []
          const lease = seen(row)!
          if (!mayRemove(lease.uid)) return []
          deleteLease(d, row.port)
          return [lease]
        }),
      ),
    restore: (port, project, service, saved) =>
      guarded((d) =>
        immediate(d, () => {
          d.run('DELETE FROM leases WHERE port = ? AND project = ? AND service = ?', port, stored(project), service)
          for (const row of saved) {
            const taken = d.get(
              'SELECT 1 AS x FROM leases WHERE port = ? OR (project = ? AND service = ?)',
              row.port!,
              row.project!,
              row.service!,
            )
            if (taken) continue
            const columns = Object.keys(row)
            d.run(
              `INSERT INTO leases (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
              ...columns.map((c) => row[c] ?? null),
            )
          }
        }),
      ),
    count: (increments) => guarded((d) => immediate(d, () => addIncrements(d, increments))),
    countEvent: (name, labels, by = 1) => {
      const sample = counterName(name)
      guarded((d) => immediate(d, () => addIncrements(d, [{ name: sample, labels, by }])))
    },
    samples: () => guarded(readSamples),
    close: () => store.close(),
  }
}
