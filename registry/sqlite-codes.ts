/**
 * SQLite's failures by name, whichever driver threw them: bun:sqlite and Node's node:sqlite give
 * result codes, Deno's node:sqlite only SQLite's message.
 */

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
