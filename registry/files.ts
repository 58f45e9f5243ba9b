/**
 * The registry file and its SQLite sidecars (-wal, -shm): created with the right mode before
 * SQLite touches them, never followed through a symlink, never adopted from another user, and
 * moved aside together when they are damaged.
 */
import { PortError } from '../core/errors.ts'
import { node } from './builtins.ts'
import type { StateDir } from './dir.ts'
import { fsFailure } from './failures.ts'

export const SIDECARS = ['-wal', '-shm'] as const

export function lstatOrNull(path: string) {
  try {
    return node.fs.lstatSync(path)
  } catch {
    return null
  }
}

const euid = () => globalThis.process?.geteuid?.()

/**
 * Refuses a file that another user could have planted or could change behind our back. A private
 * registry's files are this user's; a shared registry's are in the directory's group and never
 * world-writable.
 */
function checkFile(path: string, dir: StateDir): import('node:fs').Stats | null {
  const stat = lstatOrNull(path)
  if (!stat) return null
  const refuse = (why: string, fix: string) => new PortError('E_STATE', `Refusing the registry ${path}: ${why}. ${fix}`)
  if (stat.isSymbolicLink()) throw refuse('it is a symlink', 'Remove it; berth never follows one')
  if (!stat.isFile()) throw refuse('it is not a regular file', 'Move it away')
  const uid = euid()
  if (dir.shared) {
    if (stat.gid !== dir.gid)
      throw refuse(`it is in group ${stat.gid}, not in the shared directory's group ${dir.gid}`, `Fix: chgrp ${dir.gid} ${path}`)
    if ((stat.mode & 0o002) !== 0) throw refuse('every user can write it', `Fix: chmod o-w ${path}`)
  } else if (uid !== undefined && stat.uid !== uid) {
    // Even root: adopting (and chmod-ing) another user's file would take their registry over.
    throw refuse(
      `it belongs to uid ${stat.uid}, not to this user (uid ${uid})`,
      `Remove it or move it away (it is not this user's registry), or point BERTH_STATE_DIR at your own directory`,
    )
  }
  return stat
}

/**
 * Creates `path` with `mode` unless it exists. Made under a private name and linked into place
 * with its final mode: the umask would otherwise leave a moment in which another process finds a
 * file it cannot write.
 */
function createWithMode(path: string, mode: number): void {
  const { closeSync, constants, fchmodSync, linkSync, openSync, rmSync } = node.fs
  const temp = `${path}.${globalThis.process?.pid ?? 0}.${Math.random().toString(36).slice(2)}.new`
  try {
    const fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, mode)
    try {
      fchmodSync(fd, mode)
    } finally {
      closeSync(fd)
    }
    linkSync(temp, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fsFailure(error, path)
  } finally {
    rmSync(temp, { force: true })
  }
}

/**
 * Creates the file (0600 private, 0660 shared) before SQLite does, so its -wal and -shm files
 * copy that mode whatever the umask; checks an existing file and its sidecars. In a shared
 * registry the sidecars are made the same way: SQLite creates them with the umask applied and
 * fixes the mode a moment later, and another user opening one in that moment could not write it.
 * Returns what it saw, so the caller need not look again: the file's inode and the WAL's size.
 */
export function prepareFile(path: string, dir: StateDir): { inode: number | undefined; walSize: number } {
  const mode = dir.shared ? 0o660 : 0o600
  const sidecars = SIDECARS.map((suffix) => checkFile(path + suffix, dir))
  const stat = checkFile(path, dir)
  if (stat) {
    if ((stat.mode & 0o777) !== mode && stat.uid === euid()) {
      try {
        node.fs.chmodSync(path, mode)
      } catch (error) {
        throw fsFailure(error, path)
      }
    }
  } else createWithMode(path, mode)
  if (dir.shared) SIDECARS.forEach((suffix, i) => sidecars[i] ?? createWithMode(path + suffix, mode))
  return { inode: (stat ?? lstatOrNull(path))?.ino, walSize: sidecars[SIDECARS.indexOf('-wal')]?.size ?? 0 }
}

/**
 * Renames the file and its sidecars to `<name>.<time>.<label>…`, keeping them together: a stale
 * WAL must not meet a fresh database. `only` limits it to some of them (a foreign WAL alone).
 * Returns the new name, or null when another process had already replaced the file.
 */
export function moveAside(
  path: string,
  inode: number | undefined,
  label: string,
  only: readonly string[] = [...SIDECARS, ''],
): string | null {
  // Another process may already have replaced the file with a fresh registry: leave that one alone.
  if (lstatOrNull(path)?.ino !== inode) return null
  const aside = `${path}.${new Date().toISOString().replace(/[:.]/g, '-')}.${label}`
  for (const suffix of only) {
    try {
      node.fs.renameSync(path + suffix, aside + suffix)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fsFailure(error, path + suffix)
    }
  }
  return aside
}
