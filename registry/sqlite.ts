/**
 * One small SQLite adapter: `bun:sqlite` under Bun, `node:sqlite` under Deno and Node 22.13+.
 * Both speak the same few calls; the adapter only evens out their differences
 * (open flags, `null` vs `undefined` for no row, and how a busy database is reported).
 */
import { PortError } from '../core/errors.ts'

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

/** SQLite's primary result codes; an extended code (SQLITE_CANTOPEN_SYMLINK = 1550) is its primary code plus flags above the low byte. */
const PRIMARY: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
}
const PRIMARY_NAMES = new Set(Object.values(PRIMARY))

/** Drivers without result codes (Deno's node:sqlite) leave only SQLite's own message. */
const BY_MESSAGE: ReadonlyArray<[RegExp, string]> = [
  [/file is not a database/i, 'SQLITE_NOTADB'],
  [/malformed/i, 'SQLITE_CORRUPT'],
  [/database table is locked/i, 'SQLITE_LOCKED'],
  [/database is locked/i, 'SQLITE_BUSY'],
  [/database or disk is full/i, 'SQLITE_FULL'],
  [/readonly database/i, 'SQLITE_READONLY'],
  [/unable to open database file/i, 'SQLITE_CANTOPEN'],
  [/disk I\/O error/i, 'SQLITE_IOERR'],
]

/**
 * The SQLite error behind a failure as its primary code's name (`SQLITE_BUSY` for
 * `SQLITE_BUSY_RECOVERY` too), whichever driver threw it; undefined when it is not SQLite's.
 */
export function sqliteCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errno?: unknown; errcode?: unknown; message?: unknown } | null
  const number =
    typeof e?.errcode === 'number'
      ? e.errcode
      : typeof e?.errno === 'number' && typeof e?.code === 'string' && e.code.startsWith('SQLITE_')
        ? e.errno
        : undefined
  if (number !== undefined && PRIMARY[number & 0xff]) return PRIMARY[number & 0xff]
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) {
    const parts = e.code.split('_')
    for (let n = parts.length; n >= 2; n--) {
      const name = parts.slice(0, n).join('_')
      if (PRIMARY_NAMES.has(name)) return name
    }
  }
  const message = String(e?.message ?? '')
  return BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1]
}

/** The extended code's name where the driver gives one (`SQLITE_CANTOPEN_SYMLINK`), else the primary one. */
export function sqliteExtendedCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errcode?: unknown } | null
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) return e.code
  // node:sqlite gives only the number; the one extended code berth words differently is the symlink refusal.
  if (e?.errcode === 1550) return 'SQLITE_CANTOPEN_SYMLINK'
  return sqliteCode(error)
}

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
