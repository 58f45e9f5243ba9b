/**
 * The directories above the state directory. Whoever can rename an entry in one of them can move
 * the registry away (and its leases with it) or slip another one in. One that every user can
 * write (without the sticky bit that /tmp has) is refused. One that belongs to another user gets a
 * warning: some setups do that on purpose (a CI container's home owned by the runner's uid), but
 * the user should know. A group-writable one passes: with user-private groups and umask 002
 * (Fedora, RHEL) every home folder is one, and its group is the user alone.
 */
import { PortError } from '../core/errors.ts'
import { node } from './builtins.ts'

type Stats = import('node:fs').Stats

const STICKY = 0o1000

/** Every directory from `/` down to `dir`'s parent, as written and as resolved (symlinks followed). */
function ancestorsOf(dir: string, real: string): string[] {
  const { dirname } = node.path
  const found = new Set<string>()
  for (const path of [dir, real]) {
    for (let up = dirname(path); ; up = dirname(up)) {
      found.add(up)
      if (dirname(up) === up) break
    }
  }
  return [...found]
}

/** Refuses a state directory whose parents every user could rewrite; returns warnings for the other loose parents. */
export function checkAncestors(dir: string, real: string, uid: number | undefined): string[] {
  const warnings: string[] = []
  // Without POSIX owners (Windows) there is nothing to compare with.
  if (uid === undefined) return warnings
  for (const parent of ancestorsOf(dir, real)) {
    let stat: Stats
    try {
      stat = node.fs.lstatSync(parent)
    } catch {
      continue // A parent missing now is reported by whatever needed it.
    }
    // A symlink's own mode means nothing; the directory holding it is checked as its own ancestor.
    if (stat.isSymbolicLink() || (stat.mode & STICKY) !== 0) continue
    const mode = (stat.mode & 0o777).toString(8)
    if ((stat.mode & 0o002) !== 0) {
      throw loose(
        dir,
        `its parent ${parent} is writable by every user (mode ${mode}), so anyone could move it away`,
        `chmod o-w ${parent} (or chmod +t ${parent})`,
      )
    }
    if (stat.uid !== 0 && stat.uid !== uid) {
      warnings.push(
        `⚠️  The state directory ${dir} sits in ${parent}, which belongs to uid ${stat.uid}: that user could move your leases away. Fix: point BERTH_STATE_DIR at a directory of your own`,
      )
    }
  }
  return warnings
}

const loose = (dir: string, why: string, fix: string) =>
  new PortError(
    'E_STATE',
    `Refusing the state directory ${dir}: ${why}. Fix: ${fix}, or point BERTH_STATE_DIR at a directory in a private place`,
  )
