/**
 * Closing the registry without a checkpoint on every run. SQLite copies the WAL into the database
 * when its last connection closes, which for a short-lived `berth get` meant fsyncs of the WAL,
 * the directory and the database on every call: most of what the registry cost. A second,
 * read-only connection is opened beside the writer; while the WAL is small the writer closes
 * first, so it is not the last connection and skips the checkpoint, and the read-only one cannot
 * checkpoint. Once the WAL holds CHECKPOINT_PAGES pages, the read-only one closes first and the
 * writer checkpoints and empties the WAL (`TRUNCATE`) before it closes. (A plain close would copy
 * the pages without emptying it: the next process reads a kept WAL as not yet copied.)
 *
 * Durability stays `synchronous=NORMAL`'s: a committed lease survives any crash of a process; a
 * power cut may forget the leases written since the last checkpoint that the OS had not written
 * back yet. That is safe: a power cut ends every owner, and every remembered port is probed again
 * before it is handed out.
 */
import { node } from './builtins.ts'
import { openSqlite, type SqlDatabase } from './sqlite.ts'

/** Some thirty claims' worth of pages: a new process reads them all when it opens the WAL. */
export const CHECKPOINT_PAGES = 64
const FRAME_BYTES = 4096 + 24

function walBytes(path: string): number {
  try {
    return node.fs.statSync(`${path}-wal`).size
  } catch {
    return 0
  }
}

/** The read-only companion; null where it cannot be opened (the close then checkpoints as usual). */
export async function openCompanion(path: string): Promise<SqlDatabase | null> {
  try {
    const reader = await openSqlite(path, true)
    // One read takes the shared lock on the database file that the writer's close will see.
    reader.get('PRAGMA schema_version')
    return reader
  } catch {
    return null
  }
}

/** Closes both connections, in the order that checkpoints only when the WAL has grown. */
export function closeBoth(writer: SqlDatabase, reader: SqlDatabase | null, path: string): void {
  if (!reader) return writer.close()
  if (walBytes(path) >= CHECKPOINT_PAGES * FRAME_BYTES) {
    reader.close()
    try {
      // Copies the WAL into the database and empties it, unless another process is reading or
      // writing right now: then it is left for the next close, without waiting.
      writer.exec('PRAGMA busy_timeout = 0')
      writer.get('PRAGMA wal_checkpoint(TRUNCATE)')
    } catch {
      // Busy: the lease is committed either way; a later close checkpoints.
    } finally {
      writer.close()
    }
  } else {
    writer.close()
    reader.close()
  }
}
