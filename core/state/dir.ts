/** Where the registry lives, and the checks that keep it private to its user. */
import { PortError } from '../errors.ts'
import { homeDir, loadBuiltins, node } from './builtins.ts'

type Env = Readonly<Record<string, string | undefined>>

/**
 * `stateDir` option, else `BERTH_STATE_DIR`, else `$XDG_STATE_HOME/berth` when that is set and
 * absolute (the XDG spec says to ignore relative values), else `~/.local/state/berth`.
 */
export async function resolveStateDir(option: string | undefined, env: Env): Promise<string> {
  const { path: { isAbsolute, join } } = await loadBuiltins()
  const chosen = option ?? env.BERTH_STATE_DIR
  if (chosen !== undefined && chosen !== '') {
    if (!isAbsolute(chosen)) {
      const from = option !== undefined ? 'stateDir' : 'BERTH_STATE_DIR'
      throw new PortError('E_STATE', `${from} must be an absolute path, got ${JSON.stringify(chosen)}`)
    }
    return chosen
  }
  const xdg = env.XDG_STATE_HOME
  if (xdg && isAbsolute(xdg)) return join(xdg, 'berth')
  return join(await homeDir(env), '.local', 'state', 'berth')
}

const euid = () => globalThis.process?.geteuid?.()

/**
 * Creates the directory 0700 (whatever the umask) and refuses one that another user could
 * tamper with: a symlink, someone else's, or writable by group or others.
 */
export function ensurePrivateDir(dir: string): void {
  const { chmodSync, lstatSync, mkdirSync } = node.fs
  let created = false
  try {
    lstatSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    created = true
  }
  if (created) chmodSync(dir, 0o700)
  const stat = lstatSync(dir)
  const refuse = (why: string) => {
    throw new PortError('E_STATE', `Refusing the state directory ${dir}: ${why}. Point BERTH_STATE_DIR at a private directory`)
  }
  if (stat.isSymbolicLink()) refuse('it is a symlink')
  if (!stat.isDirectory()) refuse('it is not a directory')
  const uid = euid()
  if (uid !== undefined && stat.uid !== uid) refuse(`it belongs to uid ${stat.uid}, not to this user (uid ${uid})`)
  if ((stat.mode & 0o022) !== 0) refuse(`it is writable by ${stat.mode & 0o020 ? 'its group' : 'other users'} (mode ${(stat.mode & 0o777).toString(8)})`)
}
