/**
 * One small SQLite adapter: `bun:sqlite` under Bun, `node:sqlite` under Deno and Node 22.13+.
 * Both speak the same few calls; the adapter only evens out their differences
 * (open flags, `null` vs `undefined` for no row, and how a busy database is reported).
 */
import { PortError } from '../core/errors.ts'

export { sqliteCode, sqliteExtendedCode } from './sqlite-codes.ts'

export type Row = Record<string, unknown>
type Param = string | number | null

export interface SqlDatabase {
  exec(sql: string): void
  get<T = Row>(sql: string, ...params: Param[]): T | undefined
  all<T = Row>(sql: string, ...params: Param[]): T[]
  run(sql: string, ...params: Param[]): void
  close(): void
  /** Called by `immediate` once the write lock is held: a last check before writing (see open.ts). */
  onWriteLock?: () => void
  /**
   * True when closing never deletes the -wal and -shm files by name (bun:sqlite, with
   * SQLITE_FCNTL_PERSIST_WAL). Closing after a rename is only safe then.
   */
  keepsWalOnClose: boolean
}

interface Statement {
  get(...params: Param[]): unknown
  all(...params: Param[]): unknown[]
  run(...params: Param[]): unknown
  /** bun:sqlite only; node:sqlite finalizes its statements when the database closes. */
  finalize?(): void
}
interface Driver {
  exec(sql: string): void
  prepare(sql: string): Statement
  close(): void
}

/** This runtime has no SQLite (Node before 22.13). Library callers get no CLI advice: `getConfig` falls back, `persist()` callers choose. */
export class SqliteMissing extends PortError {
  constructor() {
    const version = globalThis.process?.version ?? 'this runtime'
    super('E_STATE', `Persistence needs node:sqlite, which Node ${version} does not have: use Node 22.13 or newer, Bun or Deno`)
  }
}

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined'

type Open = (path: string, readonly: boolean) => Driver

async function loadDriver(): Promise<Open> {
  if (isBun) {
    // A variable specifier keeps bundlers for Node from trying to resolve a Bun built-in.
    const specifier = 'bun:sqlite'
    const { Database, constants } = (await import(specifier)) as typeof import('bun:sqlite')
    // NOFOLLOW: a symlink planted at the database path is refused by SQLite itself.
    const flags = constants.SQLITE_OPEN_READWRITE | constants.SQLITE_OPEN_CREATE | constants.SQLITE_OPEN_NOFOLLOW
    return (path, readonly) => {
      if (readonly) return new Database(path, constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_NOFOLLOW) as unknown as Driver
      const db = new Database(path, flags)
      // Keep the -wal and -shm files between runs instead of creating and deleting them on
      // every short-lived `berth get` (scenario 5). (node:sqlite has no file control.)
      db.fileControl(constants.SQLITE_FCNTL_PERSIST_WAL, 1)
      return db as unknown as Driver
    }
  }
  let sqlite: typeof import('node:sqlite')
  try {
    sqlite = await import('node:sqlite')
  } catch {
    throw new SqliteMissing()
  }
  return (path, readonly) => new sqlite.DatabaseSync(path, { readOnly: readonly }) as unknown as Driver
}

let driver: Promise<Open> | undefined
let loaded: Open | undefined

function wrap(db: Driver): SqlDatabase {
  // Statements are cached: the same few queries run on every allocation.
  const cache = new Map<string, Statement>()
  const prepared = (sql: string) => {
    let statement = cache.get(sql)
    if (!statement) cache.set(sql, (statement = db.prepare(sql)))
    return statement
  }
  return {
    exec: (sql) => db.exec(sql),
    get: <T>(sql: string, ...params: Param[]) => (prepared(sql).get(...params) ?? undefined) as T | undefined,
    all: <T>(sql: string, ...params: Param[]) => prepared(sql).all(...params) as T[],
    run: (sql, ...params) => void prepared(sql).run(...params),
    close: () => {
      // A statement left unfinalized keeps bun:sqlite's connection alive after close (a
      // "zombie"), and with it the WAL index that SQLite shares between a process's connections.
      for (const statement of cache.values()) statement.finalize?.()
      cache.clear()
      db.close()
    },
    keepsWalOnClose: isBun,
  }
}

/** Loads the driver for this runtime (once); `openSqliteSync` needs it loaded. */
export async function loadSqlite(): Promise<void> {
  driver ??= loadDriver()
  loaded = await driver
}

export async function openSqlite(path: string): Promise<SqlDatabase> {
  await loadSqlite()
  return openSqliteSync(path)
}

/**
 * Opens a file synchronously, once `loadSqlite` has loaded the driver (a registry reopening in
 * the middle of a step). A read-only connection never checkpoints: it can look at a WAL without
 * ever writing that WAL's pages into the main file.
 */
export function openSqliteSync(path: string, { readonly = false } = {}): SqlDatabase {
  if (!loaded) throw new Error('openSqliteSync before loadSqlite: the SQLite driver is not loaded yet')
  return wrap(loaded(path, readonly))
}

/**
 * Runs `work` inside `BEGIN IMMEDIATE`: the write lock is taken up front, so the busy timeout
 * applies. (A deferred transaction that upgrades to a writer gets SQLITE_BUSY at once.)
 */
export function immediate<T>(db: SqlDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
    db.onWriteLock?.()
    const result = work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    try {
      db.exec('ROLLBACK')
    } catch {
      // No transaction is open when BEGIN itself failed.
    }
    throw error
  }
}
