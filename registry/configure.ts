/** A fresh connection's settings: the busy timeout, WAL, durability, the WAL's size, the schema and the registry's id. */
import { BUSY_TIMEOUT_MS } from './failures.ts'
import { ensureIdentity, readIdentity } from './identity.ts'
import { migrate } from './schema.ts'
import { sqliteCode, type SqlDatabase } from './sqlite.ts'

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Switching to WAL needs an exclusive lock, and SQLite can answer SQLITE_BUSY there without
 * waiting, so the switch is retried. Once switched, the mode is stored in the file: later opens only read it.
 */
function useWal(db: SqlDatabase): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS
  for (;;) {
    try {
      if (db.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode === 'wal') return
      db.get('PRAGMA journal_mode = WAL')
      return
    } catch (error) {
      if (sqliteCode(error) !== 'SQLITE_BUSY' || Date.now() > deadline) throw error
      Atomics.wait(pause, 0, 0, 10)
    }
  }
}

export function configure(db: SqlDatabase, path: string): void {
  // The busy timeout comes first: without it even the pragmas below can fail with SQLITE_BUSY.
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  useWal(db)
  // NORMAL in WAL mode survives a crashed process; a power loss may forget the last lease,
  // which is safe because every remembered port is probed again before it is handed out.
  // The last connection to close checkpoints and truncates the WAL to nothing (the file stays, so
  // the next run need not create it): an empty WAL is one the next open need not inspect.
  db.exec('PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 0')
  migrate(db, path)
  ensureIdentity(db, readIdentity(db))
}
