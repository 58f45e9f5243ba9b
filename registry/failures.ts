/**
 * Failures of the machine around the registry (permissions, a read-only or full disk, a path
 * that is not a directory), reworded to name the path and say what to do. SQLite's extended
 * result codes count by their primary code; the file system's errors by their errno name.
 */
import { PortError } from '../core/errors.ts'
import { sqliteCode, sqliteExtendedCode } from './sqlite.ts'

/** How long a writer waits for another process's lock before giving up with E_STATE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000

const ELSEWHERE = 'or point BERTH_STATE_DIR at another directory'

/** What the file system's error codes mean for a registry path, and the fix. */
const BY_ERRNO: Record<string, (path: string) => PortError> = {
  EACCES: (path) => refused(path, `permission denied. Make it writable by this user (chown/chmod), ${ELSEWHERE}`),
  EPERM: (path) => refused(path, `operation not permitted. Make it writable by this user (chown/chmod), ${ELSEWHERE}`),
  EROFS: (path) => refused(path, 'it is on a read-only file system. Point BERTH_STATE_DIR at a directory on a writable one'),
  ENOTDIR: (path) => refused(path, `a part of this path is a file, not a directory. Move that file away, ${ELSEWHERE}`),
  ELOOP: (path) => refused(path, `it is a symlink, which berth never follows. Use the real path, ${ELSEWHERE}`),
  ENOENT: (path) => refused(path, `a directory on this path is missing. Create it, ${ELSEWHERE}`),
  ENOSPC: (path) => full(path),
  EDQUOT: (path) => full(path),
  EIO: (path) => io(path, `input/output error. Check the disk, ${ELSEWHERE}`),
}

const refused = (path: string, what: string) => new PortError('E_STATE', `Cannot use the lease registry at ${path}: ${what}`)
const io = (path: string, what: string) => new PortError('E_STATE_IO', `Cannot write the lease registry at ${path}: ${what}`)
const full = (path: string) => io(path, `no space left on its file system. Free some space, ${ELSEWHERE}`)

/** A file-system error (errno code such as EACCES) on `path`, as a PortError; anything else unchanged. */
export function fsFailure(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code
  const make = typeof code === 'string' ? BY_ERRNO[code] : undefined
  if (!make) return error
  const failure = make(path)
  ;(failure as { cause?: unknown }).cause = error
  return failure
}

/** SQLite's errors on the registry `path` (in `dir`), reworded to say which file and what to do. */
export function stateError(error: unknown, path: string, dir = path.slice(0, path.lastIndexOf('/')) || '/'): unknown {
  const withCause = (failure: PortError) => Object.assign(failure, { cause: error })
  switch (sqliteCode(error)) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return withCause(
        new PortError('E_STATE_BUSY', `The registry ${path} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s: retry`),
      )
    case 'SQLITE_CANTOPEN':
      if (sqliteExtendedCode(error) === 'SQLITE_CANTOPEN_SYMLINK') {
        return withCause(
          refused(
            path,
            `its path goes through a symlink, which SQLite refuses to follow. Use the real path (realpath ${dir}), ${ELSEWHERE}`,
          ),
        )
      }
      return withCause(refused(path, `SQLite cannot open it. Check that ${dir} is a directory this user can write, ${ELSEWHERE}`))
    case 'SQLITE_READONLY':
      return withCause(
        refused(
          path,
          `it is read-only (a read-only file system, or a file or directory this user cannot write). Make ${dir} writable, ${ELSEWHERE}`,
        ),
      )
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return withCause(refused(path, `access denied. Make it writable by this user, ${ELSEWHERE}`))
    case 'SQLITE_FULL':
      return withCause(full(path))
    case 'SQLITE_IOERR':
      return withCause(io(path, `input/output error (${sqliteExtendedCode(error)}). Check the disk and free space, ${ELSEWHERE}`))
    default:
      return error
  }
}
