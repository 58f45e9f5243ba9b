/** Opens the registry file safely: private modes, no symlinks, corrupt files moved aside. */
import { PortError } from '../errors.ts'
import { loadBuiltins, node } from './builtins.ts'
import { ensurePrivateDir } from './dir.ts'
import { ForeignDatabase, migrate } from './schema.ts'
import { openSqlite, sqliteCode, type SqlDatabase } from './sqlite.ts'

export const REGISTRY_FILE = 'registry.sqlite'
/** How long a writer waits for another process's lock before giving up with E_STATE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000

export interface OpenedRegistry {
  db: SqlDatabase
  path: string
  /** Things the caller should tell the user, such as a corrupt file moved aside. */
  warnings: string[]
}

/** Creates the file 0600 before SQLite does, so its -wal and -shm files copy that mode whatever the umask. */
function createPrivately(path: string): void {
  const { chmodSync, closeSync, constants, fchmodSync, openSync } = node.fs
  const stat = lstatOrNull(path)
  if (stat?.isSymbolicLink()) {
    throw new PortError('E_STATE', `Refusing the registry ${path}: it is a symlink. Remove it; berth never follows one`)
  }
  if (stat) {
    if ((stat.mode & 0o077) !== 0) chmodSync(path, 0o600)
    return
  }
  try {
    const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600)
    fchmodSync(fd, 0o600)
    closeSync(fd)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}

function lstatOrNull(path: string) {
  try {
    return node.fs.lstatSync(path)
  } catch {
    return null
  }
}

/** Renames the file and its sidecars to `<name>.<time>.corrupt…`; a stale WAL must not meet a fresh database. */
function moveAside(path: string, inode: number | undefined): string {
  const aside = `${path}.${new Date().toISOString().replace(/[:.]/g, '-')}.corrupt`
  // Another process may already have replaced the file with a fresh registry: leave that one alone.
  if (lstatOrNull(path)?.ino !== inode) return aside
  for (const suffix of ['-wal', '-shm', '']) {
    try {
      node.fs.renameSync(path + suffix, aside + suffix)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return aside
}

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

function configure(db: SqlDatabase, path: string): void {
  // The busy timeout comes first: without it even the pragmas below can fail with SQLITE_BUSY.
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  useWal(db)
  // NORMAL in WAL mode survives a crashed process; a power loss may forget the last lease,
  // which is safe because every remembered port is probed again before it is handed out.
  db.exec('PRAGMA synchronous = NORMAL')
  migrate(db, path)
}

const isDamaged = (error: unknown) =>
  error instanceof ForeignDatabase || ['SQLITE_NOTADB', 'SQLITE_CORRUPT'].includes(sqliteCode(error) ?? '')

export async function openRegistry(dir: string): Promise<OpenedRegistry> {
  await loadBuiltins()
  ensurePrivateDir(dir)
  const path = node.path.join(dir, REGISTRY_FILE)
  const warnings: string[] = []
  for (let attempt = 0; ; attempt++) {
    createPrivately(path)
    const inode = lstatOrNull(path)?.ino
    let db: SqlDatabase | undefined
    try {
      db = await openSqlite(path)
      configure(db, path)
      return { db, path, warnings }
    } catch (error) {
      db?.close()
      if (!isDamaged(error) || attempt > 0) throw stateError(error, path)
      const aside = moveAside(path, inode)
      const what = error instanceof ForeignDatabase ? `is not a berth registry (${error.message})` : 'is corrupt'
      warnings.push(`⚠️  The registry ${path} ${what}: moved it to ${aside} and started a fresh one`)
    }
  }
}

/** SQLite's errors, reworded to say which file and what to do. */
export function stateError(error: unknown, path: string): unknown {
  const code = sqliteCode(error)
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new PortError('E_STATE_BUSY', `The registry ${path} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s: retry`, { cause: error })
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new PortError('E_STATE', `Cannot open the registry ${path} (a symlink, or no permission): ${(error as Error).message}`, { cause: error })
  }
  return error
}
