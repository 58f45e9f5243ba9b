/**
 * The directories above the state directory. Whoever can rename an entry in one of them can move
 * the registry away (and its leases with it) or slip another one in, so each must belong to root
 * or this user, and must not be writable by other users unless its sticky bit is set (as /tmp's is).
 */
import { PortError } from '../errors.ts'
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

/**
 * Refuses a state directory whose parents another user could rewrite; returns warnings for
 * parents that members of their group could rewrite (common with umask 002, and the user's choice).
 */
export function checkAncestors(dir: string, real: string, uid: number | undefined): string[] {
  const warnings: string[] = []
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
    if (uid !== undefined && stat.uid !== 0 && stat.uid !== uid) {
      throw loose(dir, `its parent ${parent} belongs to uid ${stat.uid}, who could move it away`, `use a directory under one that only you (or root) own`)
    }
    if ((stat.mode & 0o002) !== 0) {
      throw loose(dir, `its parent ${parent} is writable by every user (mode ${mode}), so anyone could move it away`, `chmod o-w ${parent} (or chmod +t ${parent})`)
    }
    if ((stat.mode & 0o020) !== 0) {
      warnings.push(`⚠️  The state directory ${dir} sits in ${parent}, which its group can write (mode ${mode}): members could move your leases away. Fix: chmod g-w ${parent}`)
    }
  }
  return warnings
}

const loose = (dir: string, why: string, fix: string) =>
  new PortError('E_STATE', `Refusing the state directory ${dir}: ${why}. Fix: ${fix}, or point BERTH_STATE_DIR at a directory in a private place`)
