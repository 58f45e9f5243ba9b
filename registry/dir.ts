/**
 * Where the registry lives, and the checks that keep it to its user: a private directory (0700,
 * this user's), or a shared one for a group (setgid, group-writable, never world-writable).
 */
import { PortError } from '../core/errors.ts'
import { checkAncestors } from './ancestors.ts'
import { homeDir, loadBuiltins, node } from './builtins.ts'
import { fsFailure } from './failures.ts'

type Env = Readonly<Record<string, string | undefined>>

const SETGID = 0o2000

/** The directory named by the caller or the environment, with where it came from. */
function namedDir(option: string | undefined, env: Env): [string, string | undefined] {
  if (option !== undefined) return ['stateDir', option]
  if (env.BERTH_STATE_DIR) return ['BERTH_STATE_DIR', env.BERTH_STATE_DIR]
  return ['BERTH_SHARED_STATE_DIR', env.BERTH_SHARED_STATE_DIR]
}

/**
 * `stateDir` option, else `BERTH_STATE_DIR`, else `BERTH_SHARED_STATE_DIR` (a group's shared
 * registry), else `$XDG_STATE_HOME/berth` when that is set and absolute (the XDG spec says to
 * ignore relative values), else `$HOME/.local/state/berth`.
 */
export async function resolveStateDir(option: string | undefined, env: Env): Promise<string> {
  const {
    path: { isAbsolute, join },
  } = await loadBuiltins()
  const [from, chosen] = namedDir(option, env)
  if (chosen !== undefined && chosen !== '') {
    if (!isAbsolute(chosen)) throw new PortError('E_STATE', `${from} must be an absolute path, got ${JSON.stringify(chosen)}`)
    if (from === 'BERTH_SHARED_STATE_DIR') requireSharedLayout(chosen)
    return chosen
  }
  const xdg = env.XDG_STATE_HOME
  if (xdg && isAbsolute(xdg)) return join(xdg, 'berth')
  const home = await homeDir(env)
  // A relative HOME would put the registry under whatever directory berth runs in.
  if (!isAbsolute(home)) {
    throw new PortError(
      'E_STATE',
      `HOME must be an absolute path to find the lease registry, got ${JSON.stringify(home)}. Set HOME to your home directory, or BERTH_STATE_DIR to an absolute path`,
    )
  }
  return join(home, '.local', 'state', 'berth')
}

/** A shared registry is set up by an administrator; berth never creates one, nor falls back to a private one. */
function requireSharedLayout(dir: string): void {
  const layout = `an administrator creates it: mkdir ${dir} && chgrp GROUP ${dir} && chmod 2770 ${dir}`
  let stat
  try {
    stat = node.fs.statSync(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new PortError(
      'E_STATE',
      `BERTH_SHARED_STATE_DIR ${dir} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}: ${layout}`,
    )
  }
  if (!stat.isDirectory() || (stat.mode & SETGID) === 0 || (stat.mode & 0o020) === 0) {
    throw new PortError(
      'E_STATE',
      `BERTH_SHARED_STATE_DIR ${dir} is not a shared registry directory (mode ${(stat.mode & 0o7777).toString(8)}; setgid and group-writable expected): ${layout}`,
    )
  }
}

export interface StateDir {
  /** The directory as resolved (no symlinks on the way: SQLite refuses to open through one). */
  path: string
  /** A group's shared registry: files 0660 in the directory's group. */
  shared: boolean
  /** The directory's group (the group of every file in a shared registry). */
  gid: number
  /** Loose but tolerated settings, with their fix. */
  warnings: string[]
}

const euid = () => globalThis.process?.geteuid?.()

const refuse = (dir: string, why: string, fix = 'Point BERTH_STATE_DIR at a private directory') =>
  new PortError('E_STATE', `Refusing the state directory ${dir}: ${why}. ${fix}`)

/** The groups this process belongs to (effective and supplementary). */
function groupsOfUser(): number[] {
  const process = globalThis.process
  return [process?.getegid?.(), ...(process?.getgroups?.() ?? [])].filter((gid): gid is number => gid !== undefined)
}

/** A shared directory: setgid and group-writable, not world-writable, and in one of this user's groups. */
function checkShared(dir: string, stat: import('node:fs').Stats, uid: number | undefined): void {
  const mode = (stat.mode & 0o7777).toString(8)
  const layout = `a shared registry's directory is setgid and group-writable, never world-writable (chgrp GROUP ${dir} && chmod 2770 ${dir})`
  if ((stat.mode & 0o002) !== 0) throw refuse(dir, `it is writable by every user (mode ${mode})`, `Fix: chmod o-w ${dir}; ${layout}`)
  if ((stat.mode & 0o070) !== 0o070) throw refuse(dir, `its group cannot use it (mode ${mode})`, `Fix: ${layout}`)
  if (uid !== 0 && uid !== undefined && !groupsOfUser().includes(stat.gid)) {
    throw refuse(
      dir,
      `it is shared with group ${stat.gid}, which this user (uid ${uid}) is not in`,
      'Ask for membership in that group (then log in again), or unset BERTH_SHARED_STATE_DIR',
    )
  }
}

function createPrivate(dir: string): void {
  const { chmodSync, mkdirSync } = node.fs
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
  } catch (error) {
    throw fsFailure(error, dir)
  }
}

/**
 * Creates a missing directory 0700 (whatever the umask) and refuses one that another user could
 * tamper with: a symlink, a parent others can write, someone else's directory, or one writable by
 * group or others unless it has the shared layout.
 */
export function ensureStateDir(dir: string): StateDir {
  const { lstatSync, realpathSync } = node.fs
  let stat
  try {
    stat = lstatSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fsFailure(error, dir)
    createPrivate(dir)
    stat = lstatSync(dir)
  }
  if (stat.isSymbolicLink()) throw refuse(dir, 'it is a symlink', `Point BERTH_STATE_DIR at the real directory (${safeRealpath(dir)})`)
  if (!stat.isDirectory())
    throw refuse(dir, 'it is not a directory', 'Move that file away, or point BERTH_STATE_DIR at a private directory')
  const uid = euid()
  let path: string
  try {
    path = realpathSync(dir)
  } catch (error) {
    throw fsFailure(error, dir)
  }
  const warnings = checkAncestors(dir, path, uid)
  const shared = (stat.mode & SETGID) !== 0 && (stat.mode & 0o020) !== 0
  if (shared) {
    checkShared(dir, stat, uid)
    return { path, shared, gid: stat.gid, warnings }
  }
  if (uid !== undefined && stat.uid !== uid) throw refuse(dir, `it belongs to uid ${stat.uid}, not to this user (uid ${uid})`)
  if ((stat.mode & 0o022) !== 0) {
    const mode = (stat.mode & 0o777).toString(8)
    throw refuse(
      dir,
      `it is writable by ${stat.mode & 0o020 ? 'its group' : 'other users'} (mode ${mode})`,
      `Fix: chmod 700 ${dir} (or, to share it with a group: chmod 2770)`,
    )
  }
  return { path, shared, gid: stat.gid, warnings }
}

function safeRealpath(dir: string): string {
  try {
    return node.fs.realpathSync(dir)
  } catch {
    return 'its target'
  }
}
