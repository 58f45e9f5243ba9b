/**
 * Opens the registry safely and keeps it usable: private (or group-shared) modes, no symlinks,
 * and a registry that heals itself. A damaged file (corrupt, not a database, a table missing),
 * found at open or at any later step, is moved aside with its -wal and -shm, a fresh one is
 * started, the user is told once, and the step runs again. A WAL from another registry is moved
 * aside the same way. Failures of the machine (permissions, a full disk) name the path and the fix.
 */
import { loadBuiltins, node } from './builtins.ts'
import { ensureStateDir } from './dir.ts'
import { BUSY_TIMEOUT_MS, stateError } from './failures.ts'
import { SIDECARS, lstatOrNull, moveAside, prepareFile } from './files.ts'
import { configure } from './configure.ts'
import { readIdentity, stamp, walIsForeign } from './identity.ts'
import { ForeignDatabase } from './schema.ts'
import { loadSqlite, openSqliteSync, sqliteCode, type SqlDatabase } from './sqlite.ts'

export { BUSY_TIMEOUT_MS, stateError } from './failures.ts'
export const REGISTRY_FILE = 'registry.sqlite'

export interface RegistryStore {
  path: string
  /** A group's shared registry (see dir.ts). */
  shared: boolean
  /** Things the caller should tell the user, such as a damaged file moved aside. Drain it after each step. */
  warnings: string[]
  /**
   * Runs one step of registry work. A damaged file is quarantined and the step run again on a
   * fresh one; SQLite's and the file system's failures become PortErrors naming the path.
   */
  use<T>(work: (db: SqlDatabase) => T): T
  close(): void
}

/** The file on disk is no longer the one this connection has open: another process moved it aside. */
class Replaced extends Error {}

const isDamaged = (error: unknown) =>
  error instanceof ForeignDatabase ||
  ['SQLITE_NOTADB', 'SQLITE_CORRUPT'].includes(sqliteCode(error) ?? '') ||
  /no such table/i.test(String((error as Error | null)?.message))

/**
 * Connections that must never close (see `reconnect`). They stay open, and referenced (Bun
 * closes a collected database), until the process ends; each is a rare accident.
 */
const neverClosed: SqlDatabase[] = []

interface Connection {
  db: SqlDatabase
  inode: number | undefined
}

/**
 * True when the WAL beside `path` holds frames from another registry. Looked at through a
 * read-only connection, before the real one opens: a writable connection could checkpoint
 * those frames into the main file (even when it closes), and SQLite shares one WAL index
 * between the connections of a process, so the real one must come after it.
 */
function hasForeignWal(path: string): boolean {
  const probe = openSqliteSync(path, { readonly: true })
  try {
    probe.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    return walIsForeign(path, readIdentity(probe))
  } finally {
    probe.close()
  }
}

function closeQuietly(db: SqlDatabase): void {
  try {
    db.close()
  } catch {
    // A damaged file may fail even to close; it is being moved aside.
  }
}

/** Takes the write lock if the file still allows it, so no other process commits into a file being moved. */
function lock(db: SqlDatabase): boolean {
  try {
    db.exec('BEGIN IMMEDIATE')
    return true
  } catch {
    return false
  }
}

export async function openRegistry(dir: string): Promise<RegistryStore> {
  await loadBuiltins()
  const stateDir = ensureStateDir(dir)
  const path = node.path.join(stateDir.path, REGISTRY_FILE)
  const warnings = [...stateDir.warnings]
  await loadSqlite() // so that reopening, in the middle of a step, can be synchronous

  /** Moves a damaged registry aside (the lock held where closing is safe after the rename). */
  function quarantine(connection: Connection, error: unknown): void {
    const locked = connection.db?.keepsWalOnClose === true && lock(connection.db)
    if (!locked && connection.db) closeQuietly(connection.db)
    let aside: string | null
    try {
      aside = moveAside(path, connection.inode, 'corrupt')
    } finally {
      if (locked) closeQuietly(connection.db)
    }
    if (aside === null) return // Another process saw the damage first and moved it.
    const what =
      error instanceof ForeignDatabase ? `is not a berth registry (${error.message})` : `is corrupt (${(error as Error).message})`
    warnings.push(`⚠️  The registry ${path} ${what}: moved it to ${aside} and started a fresh one`)
  }

  function connect(): Connection {
    for (let attempt = 0; ; attempt++) {
      const { inode, walSize } = prepareFile(path, stateDir)
      const connection: Connection = { db: undefined!, inode }
      try {
        // An empty WAL (how berth leaves it on close) has nothing to replay.
        if (walSize > 0 && hasForeignWal(path)) {
          const aside = moveAside(path, connection.inode, 'foreign-wal', SIDECARS)
          if (aside)
            warnings.push(
              `⚠️  The registry ${path} had a write-ahead log (-wal) from another registry: moved it to ${aside}-wal and kept the registry's own contents`,
            )
        }
        connection.db = openSqliteSync(path)
        configure(connection.db, path)
        connection.db.onWriteLock = () => {
          // Inside the lock: a file moved aside meanwhile must not receive this write.
          if (lstatOrNull(path)?.ino !== connection.inode) throw new Replaced()
          stamp(connection.db)
        }
        return connection
      } catch (error) {
        if (attempt > 1) {
          if (connection.db) closeQuietly(connection.db)
          throw stateError(error, path)
        }
        if (isDamaged(error)) {
          quarantine(connection, error)
        } else {
          if (connection.db) closeQuietly(connection.db)
          throw stateError(error, path)
        }
      }
    }
  }

  let current = connect()
  /** The file was moved aside under this connection: connect to the one there now. */
  const reconnect = () => {
    // node:sqlite deletes the -wal and -shm by name when it closes the last connection, and
    // those names are the new registry's now: such a connection stays open instead.
    if (current.db.keepsWalOnClose) closeQuietly(current.db)
    else neverClosed.push(current.db)
    current = connect()
  }

  return {
    path,
    shared: stateDir.shared,
    warnings,
    use(work) {
      for (let attempt = 0; ; attempt++) {
        try {
          if (lstatOrNull(path)?.ino !== current.inode) throw new Replaced()
          return work(current.db)
        } catch (error) {
          if (attempt > 2) throw stateError(error, path)
          if (error instanceof Replaced) reconnect()
          else if (isDamaged(error)) {
            quarantine(current, error)
            current = connect()
          } else throw stateError(error, path)
        }
      }
    },
    close: () => current.db.close(),
  }
}
