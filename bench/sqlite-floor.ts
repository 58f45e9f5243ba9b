/**
 * The floor for a cold `berth get` that keeps a lease: a compiled Bun binary that opens a SQLite
 * file the way the registry does (WAL kept between runs, `synchronous=NORMAL`, the WAL checkpointed
 * and truncated on close), writes one row in one `BEGIN IMMEDIATE` transaction, prints a line and
 * closes. Scenario 5 sets it beside the print-only floor: the difference is what durable SQLite
 * costs any process, before any of berth's own work.
 */
import { constants, Database } from 'bun:sqlite'

const db = new Database(`${process.env.BERTH_STATE_DIR}/floor.sqlite`, constants.SQLITE_OPEN_READWRITE | constants.SQLITE_OPEN_CREATE)
db.fileControl(constants.SQLITE_FCNTL_PERSIST_WAL, 1)
db.exec('PRAGMA busy_timeout = 5000')
db.exec('PRAGMA journal_mode = WAL')
db.exec('PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 0')
db.exec('CREATE TABLE IF NOT EXISTS leases (port INTEGER PRIMARY KEY, service TEXT NOT NULL UNIQUE, renewed_at INTEGER NOT NULL)')
db.exec('BEGIN IMMEDIATE')
db.prepare('INSERT OR REPLACE INTO leases (port, service, renewed_at) VALUES (?, ?, ?)').run(
  Number(process.argv[2] ?? 1),
  'floor',
  Date.now(),
)
db.exec('COMMIT')
console.log(process.argv[2] ?? '1')
db.close()
