/** The lease table: who holds which port, read and written under SQLite's write lock. */
import { openRegistry } from './open.ts'
import { isAlive, type Owner } from './owner.ts'
import { immediate, type SqlDatabase } from './sqlite.ts'
import { mayRemove, scopeProject, splitProject } from './users.ts'

export type LeaseState = 'active' | 'dormant'

export interface Lease {
  port: number
  /** The project root the lease was made in. */
  project: string
  service: string
  host: string | null
  ownerPid: number | null
  ownerStart: string | null
  /** Milliseconds since the epoch; the lease stays active until then even without a live owner. */
  leaseUntil: number | null
  createdAt: number
  renewedAt: number
  /** Active while its owner runs (or its TTL lasts); dormant after. */
  state: LeaseState
  /** The user who made it, in a group's shared registry; null in a private one (all the user's own). */
  uid: number | null
}

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
}

interface LeaseRow {
  port: number
  project: string
  service: string
  host: string | null
  owner_pid: number | null
  owner_start: string | null
  lease_until: number | null
  created_at: number
  renewed_at: number
}

/** Asks about each owner once per read: many leases usually share one owner. */
function liveness() {
  const seen = new Map<string, boolean>()
  return (pid: number, start: string | null) => {
    const key = `${pid}/${start}`
    let alive = seen.get(key)
    if (alive === undefined) seen.set(key, (alive = isAlive(pid, start)))
    return alive
  }
}

function toLease(row: LeaseRow, now: number, alive: (pid: number, start: string | null) => boolean = isAlive): Lease {
  const owned = row.owner_pid !== null && alive(row.owner_pid, row.owner_start)
  const timed = row.lease_until !== null && row.lease_until > now
  const { project, uid } = splitProject(row.project)
  return {
    port: row.port, project, uid, service: row.service, host: row.host,
    ownerPid: row.owner_pid, ownerStart: row.owner_start, leaseUntil: row.lease_until,
    createdAt: row.created_at, renewedAt: row.renewed_at,
    state: owned || timed ? 'active' : 'dormant',
  }
}

const sameService = (row: LeaseRow, storedProject: string, service: string) => row.project === storedProject && row.service === service

export interface Registry {
  path: string
  /** A group's shared registry: leases carry their user, and each user removes only their own (root any). */
  shared: boolean
  warnings: string[]
  list(): Lease[]
  leaseOf(project: string, service: string): Lease | undefined
  /** The lease of `service` in `project`, or of its instances (`service#1`, `service#2`…), in instance order. Read-only. */
  leasesOf(project: string, service: string): Lease[]
  /**
   * Records the lease unless another service holds the port (see `replaceDormant`); false means
   * another process won it. Replaces this service's earlier lease.
   */
  claim(input: ClaimInput): boolean
  /** Deletes leases matching `where` that this user may remove, re-checked under the lock; returns what was deleted. */
  remove(where: (lease: Lease) => boolean): Lease[]
  /** The rows a claim of `port` by (project, service) would replace, as stored: what `restore` puts back. */
  snapshot(port: number, project: string, service: string): SavedRow[]
  /**
   * Undoes a claim (a failed `berth up`): deletes the lease of (port, project, service) if it is
   * still that one, and puts the saved rows back where no other lease has taken their place.
   */
  restore(port: number, project: string, service: string, saved: readonly SavedRow[]): void
  close(): void
}

/** A lease row exactly as stored, every column (whatever the schema version adds). */
export type SavedRow = Record<string, string | number | null>

export async function createRegistry(dir: string): Promise<Registry> {
  const store = await openRegistry(dir)
  // Each step runs through the store, which heals a damaged file and words failures.
  const guarded = <T>(work: (db: SqlDatabase) => T): T => store.use(work)
  const stored = (project: string) => scopeProject(project, store.shared)
  const all = (d: SqlDatabase) => {
    const now = Date.now()
    const alive = liveness()
    return d.all<LeaseRow>('SELECT * FROM leases ORDER BY project, service').map((row) => toLease(row, now, alive))
  }

  return {
    path: store.path,
    shared: store.shared,
    warnings: store.warnings,
    list: () => guarded(all),
    leaseOf: (project, service) =>
      guarded((d) => {
        const row = d.get<LeaseRow>('SELECT * FROM leases WHERE project = ? AND service = ?', stored(project), service)
        return row && toLease(row, Date.now())
      }),
    leasesOf: (project, service) =>
      guarded((d) => {
        const now = Date.now()
        const rows = d.all<LeaseRow>('SELECT * FROM leases WHERE project = ? AND (service = ? OR substr(service, 1, ?) = ?)', stored(project), service, service.length + 1, `${service}#`)
        const instance = (row: LeaseRow) => (row.service === service ? 0 : Number(row.service.slice(service.length + 1)))
        return rows.sort((a, b) => instance(a) - instance(b)).map((row) => toLease(row, now))
      }),
    claim: (input) =>
      guarded((d) =>
        immediate(d, () => {
          const now = Date.now()
          // Inside the lock: only reads, a kill(pid, 0) and a /proc read. No probing here.
          const project = stored(input.project)
          const row = d.get<LeaseRow>('SELECT * FROM leases WHERE port = ?', input.port)
          if (row && !sameService(row, project, input.service)) {
            if (toLease(row, now).state === 'active' || !input.replaceDormant) return false
          }
          const mine = d.get<LeaseRow>('SELECT * FROM leases WHERE project = ? AND service = ?', project, input.service)
          const createdAt = mine?.port === input.port ? mine.created_at : now
          d.run('DELETE FROM leases WHERE port = ? OR (project = ? AND service = ?)', input.port, project, input.service)
          d.run(
            'INSERT INTO leases (port, project, service, host, owner_pid, owner_start, lease_until, created_at, renewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            input.port, project, input.service, input.host, input.owner?.pid ?? null, input.owner?.start ?? null,
            input.leaseUntil, createdAt, now,
          )
          return true
        }),
      ),
    remove: (where) =>
      guarded((d) =>
        immediate(d, () => {
          const gone = all(d).filter((lease) => mayRemove(lease.uid) && where(lease))
          for (const lease of gone) d.run('DELETE FROM leases WHERE port = ?', lease.port)
          return gone
        }),
      ),
    snapshot: (port, project, service) =>
      guarded((d) => d.all<SavedRow>('SELECT * FROM leases WHERE port = ? OR (project = ? AND service = ?)', port, stored(project), service)),
    restore: (port, project, service, saved) =>
      guarded((d) =>
        immediate(d, () => {
          d.run('DELETE FROM leases WHERE port = ? AND project = ? AND service = ?', port, stored(project), service)
          for (const row of saved) {
            const taken = d.get('SELECT 1 AS x FROM leases WHERE port = ? OR (project = ? AND service = ?)', row.port!, row.project!, row.service!)
            if (taken) continue
            const columns = Object.keys(row)
            d.run(`INSERT INTO leases (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, ...columns.map((c) => row[c] ?? null))
          }
        }),
      ),
    close: () => store.close(),
  }
}
