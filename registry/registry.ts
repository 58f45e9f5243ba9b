/**
 * The lease table: who holds which port, read and written under SQLite's write lock. An
 * allocation reads only the rows it needs, through the table's indexes, and checks only their
 * owners, so its cost does not grow with the registry.
 */
import { ownerChecks, toLease, type Lease, type LeaseRow, type OwnerCheck, type OwnerLiveness } from './lease.ts'
import { openRegistry } from './open.ts'
import { DEFAULT_PRUNE_AFTER_MS } from './prune.ts'
import { claimLease, type ClaimInput } from './claim.ts'
import { deleteRow, rowAt, serviceRow, type SavedRow } from './rows.ts'
import { immediate, type SqlDatabase } from './sqlite.ts'
import { mayRemove, scopeProject } from './users.ts'
import { addIncrements, count as countOf, counterName, readSamples, type Increment, type Labels, type Sample } from './metrics.ts'

export type { Lease, LeaseState, MovedFrom } from './lease.ts'
export type { ClaimInput } from './claim.ts'
export type { SavedRow } from './rows.ts'

/** Which leases `forget` deletes: the one on a port (of one project, if given), or a service's. */
export type LeaseKey = { port: number; project?: string } | { project: string; service: string }

export interface RegistryOptions {
  /** Leases dormant (not renewed, nor seen active) this many milliseconds are deleted by the next claim. `Infinity`: never. */
  pruneAfter?: number
  /** How an owner's liveness is found out. @default kill(2) and /proc, see owner.ts */
  liveness?: OwnerLiveness
}

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
  return {
    path: store.path,
    shared: store.shared,
    warnings: store.warnings,
    list: () => guarded(all),
    leaseOf: (project, service) => guarded((d) => seen(serviceRow(d, stored(project), service))),
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
    leaseAt: (port) => guarded((d) => seen(rowAt(d, port))),
    servicePorts: (project) =>
      guarded((d) => d.all<{ service: string; port: number }>('SELECT service, port FROM leases WHERE project = ?', stored(project))),
    claim: (input) =>
      guarded((d) =>
        immediate(d, () => claimLease(d, input, { storedProject: stored(input.project), now: Date.now(), check: checks(), pruneAfter })),
      ),
    remove: (where, reclaim) =>
      guarded((d) =>
        immediate(d, () => {
          const gone = all(d).filter((lease) => mayRemove(lease.uid) && where(lease))
          for (const lease of gone) deleteRow(d, lease.port)
          if (reclaim !== undefined && gone.length > 0) addIncrements(d, [countOf('lease_reclaims', { reason: reclaim }, gone.length)])
          return gone
        }),
      ),
    forget: (key) =>
      guarded((d) =>
        immediate(d, () => {
          const row = 'port' in key ? rowAt(d, key.port) : serviceRow(d, stored(key.project), key.service)
          if (!row || (key.project !== undefined && row.project !== stored(key.project))) return []
          const lease = seen(row)!
          if (!mayRemove(lease.uid)) return []
          deleteRow(d, row.port)
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
