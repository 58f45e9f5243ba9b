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

async function loadDriver(): Promise<(path: string) => Driver> {
  if (isBun) {
    // A variable specifier keeps bundlers for Node from trying to resolve a Bun built-in.
    const specifier = 'bun:sqlite'
    const { Database, constants } = (await import(specifier)) as typeof import('bun:sqlite')
    // NOFOLLOW: a symlink planted at the database path is refused by SQLite itself.
    const flags = constants.SQLITE_OPEN_READWRITE | constants.SQLITE_OPEN_CREATE | constants.SQLITE_OPEN_NOFOLLOW
    return (path) => {
      const db = new Database(path, flags)
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
    throw new SqliteMissing()
  }
  return (path) => new sqlite.DatabaseSync(path) as unknown as Driver
}

let driver: Promise<(path: string) => Driver> | undefined

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

export async function openSqlite(path: string): Promise<SqlDatabase> {
  driver ??= loadDriver()
  const db = (await driver)(path)
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
