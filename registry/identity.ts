/**
 * Each registry carries a random id, so a write-ahead log (-wal) that belongs to another registry
 * is noticed instead of replayed. SQLite itself cannot tell: a WAL names no database, and any
 * WAL with valid frames is laid over the main file at open.
 *
 * The id lives in one row that every write transaction touches (see `stamp`), so every WAL
 * holds a copy of its own registry's id. At open, the id SQLite shows (main file plus WAL) is
 * compared with the id in the main file alone, read from disk without SQLite. They differ only
 * when the WAL came from elsewhere. The table sits beside the versioned schema: older berths
 * ignore it, and a registry without it gets one on its next open.
 */
import { node } from './builtins.ts'
import { immediate, type SqlDatabase } from './sqlite.ts'

const TABLE = 'registry_identity'
const MARK = 'berth-registry:'
const ID_PATTERN = /berth-registry:[0-9a-f]{32}/g

export interface Seen {
  id: string | null
  page: number | null
}

function newId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return MARK + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The id SQLite shows (the main file with the WAL laid over it), and the page holding it. */
export function readIdentity(db: SqlDatabase): Seen {
  const table = db.get<{ rootpage: number }>(`SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = '${TABLE}'`)
  if (!table) return { id: null, page: null }
  const row = db.get<{ id: string }>(`SELECT id FROM ${TABLE} LIMIT 1`)
  return { id: row?.id ?? null, page: table.rootpage }
}

/** Gives the registry its id when it has none yet (a new file, or one written by an older berth). */
export function ensureIdentity(db: SqlDatabase, seen: Seen): void {
  if (seen.id) return
  immediate(db, () => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id TEXT NOT NULL, stamped_at INTEGER NOT NULL)`)
    if (!db.get(`SELECT 1 FROM ${TABLE}`)) db.run(`INSERT INTO ${TABLE} (id, stamped_at) VALUES (?, ?)`, newId(), Date.now())
  })
  // Copy it into the main file now, so the next open has something to compare a WAL with.
  db.get('PRAGMA wal_checkpoint(PASSIVE)')
}

/** Writes the id's page into the current transaction, so this registry's WAL always carries its id. */
export function stamp(db: SqlDatabase): void {
  db.run(`UPDATE ${TABLE} SET stamped_at = ?`, Date.now())
}

/** The ids found in one page of the main file, read past SQLite (so past the WAL). */
function idsOnDisk(path: string, page: number): string[] {
  const { closeSync, openSync, readSync } = node.fs
  const fd = openSync(path, 'r')
  try {
    const header = new Uint8Array(100)
    if (readSync(fd, header, 0, 100, 0) < 100) return []
    const raw = (header[16]! << 8) | header[17]!
    const size = raw === 1 ? 65536 : raw
    const buffer = new Uint8Array(size)
    const got = readSync(fd, buffer, 0, size, (page - 1) * size)
    return new TextDecoder('latin1').decode(buffer.subarray(0, got)).match(ID_PATTERN) ?? []
  } finally {
    closeSync(fd)
  }
}

/**
 * True when the WAL beside `path` belongs to another registry: the main file holds an id and the
 * id SQLite shows is not that one. A main file that holds none yet (never checkpointed) passes.
 */
export function walIsForeign(path: string, seen: Seen): boolean {
  if (!seen.id || !seen.page) return false
  const onDisk = idsOnDisk(path, seen.page)
  return onDisk.length > 0 && !onDisk.includes(seen.id)
}
