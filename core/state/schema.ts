/** The registry's schema, its version and its migrations. Versions only ever go up. */
import { PortError } from '../errors.ts'
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
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Thrown when the file is a SQLite database that berth did not write. */
export class ForeignDatabase extends Error {}

const versionOf = (db: SqlDatabase) => db.get<{ user_version: number }>('PRAGMA user_version')!.user_version

/** Refuses foreign files and newer schemas, then migrates once, however many processes race to do it. */
export function migrate(db: SqlDatabase, path: string): void {
  const appId = db.get<{ application_id: number }>('PRAGMA application_id')!.application_id
  const version = versionOf(db)
  if (appId !== 0 && appId !== APPLICATION_ID) throw new ForeignDatabase(`application_id ${appId}`)
  if (appId === 0 && db.get("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1")) {
    throw new ForeignDatabase('tables that berth did not create')
  }
  if (version > SCHEMA_VERSION) {
    throw new PortError(
      'E_STATE',
      `The registry ${path} was written by a newer berth (schema ${version}; this berth knows up to ${SCHEMA_VERSION}). Upgrade berth, or point BERTH_STATE_DIR elsewhere; it is left untouched`,
    )
  }
  if (version === SCHEMA_VERSION) return
  immediate(db, () => {
    // Another process may have migrated while this one waited for the lock.
    for (let v = versionOf(db); v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!)
      db.run('INSERT INTO migrations (version, applied_at, pid) VALUES (?, ?, ?)', v + 1, Date.now(), globalThis.process?.pid ?? 0)
      db.exec(`PRAGMA user_version = ${v + 1}`)
    }
    db.exec(`PRAGMA application_id = ${APPLICATION_ID}`)
  })
}
