/**
 * One small SQLite adapter: `bun:sqlite` under Bun, `node:sqlite` under Deno and Node 22.13+.
 * Both speak the same few calls; the adapter only evens out their differences
 * (open flags, `null` vs `undefined` for no row, and how a busy database is reported).
 */
import { PortError } from '../errors.ts'

export type Row = Record<string, unknown>
type Param = string | number | null

export interface SqlDatabase {
  exec(sql: string): void
  get<T = Row>(sql: string, ...params: Param[]): T | undefined
  all<T = Row>(sql: string, ...params: Param[]): T[]
  run(sql: string, ...params: Param[]): void
  close(): void
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

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined'

async function loadDriver(): Promise<(path: string, readOnly?: boolean) => Driver> {
  if (isBun) {
    // A variable specifier keeps bundlers for Node from trying to resolve a Bun built-in.
    const specifier = 'bun:sqlite'
    const { Database, constants } = (await import(specifier)) as typeof import('bun:sqlite')
    // NOFOLLOW: a symlink planted at the database path is refused by SQLite itself.
    const flags = constants.SQLITE_OPEN_READWRITE | constants.SQLITE_OPEN_CREATE | constants.SQLITE_OPEN_NOFOLLOW
    return (path, readOnly) => {
      const db = new Database(path, readOnly ? constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_NOFOLLOW : flags)
      // Keep the -wal and -shm files between runs: creating and deleting them on every
      // short-lived `berth get` cost about half a millisecond. (node:sqlite has no file control.)
      db.fileControl(constants.SQLITE_FCNTL_PERSIST_WAL, 1)
      return db as unknown as Driver
    }
  }
  let sqlite: typeof import('node:sqlite')
  try {
    sqlite = await import('node:sqlite')
  } catch {
    const version = globalThis.process?.version ?? 'this runtime'
    throw new PortError(
      'E_STATE',
      `Persistence needs node:sqlite, which Node ${version} does not have: use Node 22.13 or newer, Bun or Deno, or turn persistence off (--no-persist)`,
    )
  }
  return (path, readOnly) => new sqlite.DatabaseSync(path, { readOnly: readOnly ?? false }) as unknown as Driver
}

let driver: Promise<(path: string, readOnly?: boolean) => Driver> | undefined

/** The SQLite error behind a failure, as a name such as `SQLITE_BUSY`, whichever driver threw it. */
export function sqliteCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown } | null
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) return e.code
  const byNumber: Record<number, string> = { 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED', 11: 'SQLITE_CORRUPT', 26: 'SQLITE_NOTADB', 14: 'SQLITE_CANTOPEN' }
  if (typeof e?.errcode === 'number') return byNumber[e.errcode & 0xff]
  const message = String(e?.message ?? '')
  if (/file is not a database/i.test(message)) return 'SQLITE_NOTADB'
  if (/malformed/i.test(message)) return 'SQLITE_CORRUPT'
  if (/database is locked/i.test(message)) return 'SQLITE_BUSY'
  return undefined
}

/** `readOnly`: a connection that can never write, nor checkpoint when it closes. */
export async function openSqlite(path: string, readOnly = false): Promise<SqlDatabase> {
  driver ??= loadDriver()
  const db = (await driver)(path, readOnly)
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
      // Finalized first, so the connection closes now, not when the statements are collected:
      // the order in which connections close decides which one checkpoints (see checkpoint.ts).
      for (const statement of cache.values()) statement.finalize?.()
      cache.clear()
      db.close()
    },
  }
}

/**
 * Runs `work` inside `BEGIN IMMEDIATE`: the write lock is taken up front, so the busy timeout
 * applies. (A deferred transaction that upgrades to a writer gets SQLITE_BUSY at once.)
 */
export function immediate<T>(db: SqlDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
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
