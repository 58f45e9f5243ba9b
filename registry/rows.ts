/** The lease table's rows as stored, read and deleted through its indexes. */
import type { LeaseRow } from './lease.ts'
import type { SqlDatabase } from './sqlite.ts'

/** A lease row exactly as stored, every column (whatever the schema version adds). */
export type SavedRow = Record<string, string | number | null>

/** The lease on one port, through the primary key. */
export const rowAt = (d: SqlDatabase, port: number) => d.get<LeaseRow>('SELECT * FROM leases WHERE port = ?', port)

/** A service's lease, through the (project, service) index; `storedProject` as stored (see users.ts). */
export const serviceRow = (d: SqlDatabase, storedProject: string, service: string) =>
  d.get<LeaseRow>('SELECT * FROM leases WHERE project = ? AND service = ?', storedProject, service)

export const deleteRow = (d: SqlDatabase, port: number) => d.run('DELETE FROM leases WHERE port = ?', port)
