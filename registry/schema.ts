/** The registry's schema, its version and its migrations. Versions only ever go up. */
import { PortError } from '../core/errors.ts'
import { immediate, type SqlDatabase } from './sqlite.ts'

/** "brth": marks a SQLite file as berth's, so a foreign database is never mistaken for ours. */
export const APPLICATION_ID = 0x62727468

/** Migration N takes the schema from version N to N+1. Append only; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE migrations (
     version INTEGER PRIMARY KEY,
     applied_at INTEGER NOT NULL,
     pid INTEGER NOT NULL
   );
   -- The constraints are the last line of defence: a logic bug becomes an error, not a duplicate.
   CREATE TABLE leases (
     port INTEGER PRIMARY KEY CHECK (port BETWEEN 1 AND 65535),
     project TEXT NOT NULL,
     service TEXT NOT NULL,
     host TEXT,
     owner_pid INTEGER,
     owner_start TEXT,
     lease_until INTEGER,
     created_at INTEGER NOT NULL,
     renewed_at INTEGER NOT NULL,
     UNIQUE (project, service)
   );`,
  // Version 2 only adds columns: the owner's pid namespace, the other live owners of the lease (a
  // JSON list, read with the row), and the time it was last known active (for pruning; not
  // indexed, so a claim writes no more pages than before).
  `ALTER TABLE leases ADD COLUMN owner_ns TEXT;
   ALTER TABLE leases ADD COLUMN other_owners TEXT;
   ALTER TABLE leases ADD COLUMN active_at INTEGER;
   UPDATE leases SET active_at = max(renewed_at, coalesce(lease_until, 0));`,
  // Version 3 only adds a table: metrics counters and histogram buckets, one row per sample
  // (its name and its labels as canonical JSON), added to in the transactions that change leases.
  `CREATE TABLE metrics (
     name TEXT NOT NULL,
     labels TEXT NOT NULL,
     value REAL NOT NULL,
     PRIMARY KEY (name, labels)
   ) WITHOUT ROWID;`,
  // Version 4 only adds a column: where the runner moved the lease from after a port conflict, and
  // who held that port (JSON, read with the row; null for a lease that never moved that way).
  `ALTER TABLE leases ADD COLUMN moved_from TEXT;`,
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Thrown when the file is a SQLite database that berth did not write. */
export class ForeignDatabase extends Error {}

interface Identity {
  application_id: number
  user_version: number
  tables: number
}

/** One statement, so one consistent snapshot: separate reads could straddle another process's migration. */
const identityOf = (db: SqlDatabase) =>
  db.get<Identity>(
    "SELECT a.application_id, v.user_version, (SELECT count(*) FROM sqlite_master WHERE type = 'table') AS tables FROM pragma_application_id AS a, pragma_user_version AS v",
  )!

function refuseStrangers({ application_id: appId, user_version: version, tables }: Identity, path: string): void {
  if (appId !== 0 && appId !== APPLICATION_ID) throw new ForeignDatabase(`application_id ${appId}`)
  if (appId === 0 && tables > 0) throw new ForeignDatabase('tables that berth did not create')
  if (version > SCHEMA_VERSION) {
    throw new PortError(
      'E_STATE',
      `The registry ${path} was written by a newer berth (schema ${version}; this berth knows up to ${SCHEMA_VERSION}). Upgrade berth, or point BERTH_STATE_DIR elsewhere; it is left untouched`,
    )
  }
}

/** Refuses foreign files and newer schemas, then migrates once, however many processes race to do it. */
export function migrate(db: SqlDatabase, path: string): void {
  const seen = identityOf(db)
  refuseStrangers(seen, path)
  if (seen.application_id === APPLICATION_ID && seen.user_version === SCHEMA_VERSION) return
  immediate(db, () => {
    // Checked again under the lock: another process may have migrated while this one waited.
    const now = identityOf(db)
    refuseStrangers(now, path)
    for (let v = now.user_version; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!)
      db.run('INSERT INTO migrations (version, applied_at, pid) VALUES (?, ?, ?)', v + 1, Date.now(), globalThis.process?.pid ?? 0)
      db.exec(`PRAGMA user_version = ${v + 1}`)
    }
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}`)
  })
}
