/**
 * Which files berth will run. A project file (`berth.config.ts`) or a plugin file is code, and
 * berth runs it as whoever typed the command: a file that someone else can change, or that
 * belongs to someone else, would let that person run code as you (the class of git's
 * CVE-2022-24765). The rules, in the README's "Security and failure modes":
 *
 * - a file that its group or other users can write is never run (`chmod go-w FILE`), nor one in
 *   a folder they can write without the sticky bit, since they could swap the file;
 * - a file (or its folder) owned by another user than you or root runs only when named on the
 *   command line (`--config FILE`, `--plugin FILE`) or when its folder is allow-listed in
 *   `BERTH_SAFE_DIRECTORIES` (like git's `safe.directory`);
 * - the walk up from the working directory to the project root stops at a folder owned by
 *   another user (registry/project.ts; the owner and allow-list checks are in registry/safe-directories.ts).
 *
 * JSON files are data: they are read whoever owns them. Without POSIX owners (Windows) there is
 * nothing to check.
 */
import { PortError } from '../core/errors.ts'
import { euid, isForeignOwner, isSafeDirectory, safeDirectories } from '../registry/safe-directories.ts'

type Env = Readonly<Record<string, string | undefined>>

/** `uid 65534 (nobody)`: the name from /etc/passwd when it is there. */
function describeUser(uid: number, readFile: (path: string) => string): string {
  try {
    const line = readFile('/etc/passwd')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(uid))
    return line ? `uid ${uid} (${line.split(':')[0]})` : `uid ${uid}`
  } catch {
    return `uid ${uid}`
  }
}

export interface TrustOptions {
  /** The file was named on the command line (`--config`, `--plugin`): another user's file may run. */
  explicit?: boolean
  env?: Env
}

const refuse = (message: string) => new PortError('E_UNTRUSTED', message)

/**
 * Throws `E_UNTRUSTED` (exit 78) unless berth may run `file`: says why, and how to allow it.
 * `what` names the file's role in the message ("the project file", "the plugin file").
 * Returns the file's real path: load that one, so a symlink swapped after the check changes nothing.
 */
export async function assertTrustedFile(file: string, what: string, options: TrustOptions = {}): Promise<string> {
  const [{ readFileSync, realpathSync, statSync }, { dirname }] = await Promise.all([import('node:fs'), import('node:path')])
  const real = realpathSync(file)
  if (euid() === undefined) return real
  const dir = dirname(real)
  const stat = statSync(real)
  const folder = statSync(dir)
  const shown = real === file ? file : `${file} (${real})`
  if ((stat.mode & 0o022) !== 0) {
    const who = stat.mode & 0o002 ? 'every user' : 'its group'
    throw refuse(
      `Refusing to run ${what} ${shown}: ${who} can write it (mode ${(stat.mode & 0o777).toString(8)}), so anyone of them could change the code berth runs. Run: chmod go-w ${real}`,
    )
  }
  if ((folder.mode & 0o022) !== 0 && (folder.mode & 0o1000) === 0) {
    const who = folder.mode & 0o002 ? 'every user' : 'its group'
    throw refuse(
      `Refusing to run ${what} ${shown}: ${who} can write its folder ${dir} (mode ${(folder.mode & 0o777).toString(8)}), so anyone of them could replace it. Run: chmod go-w ${dir}`,
    )
  }
  if (options.explicit) return real
  const owner = isForeignOwner(stat.uid) ? stat.uid : isForeignOwner(folder.uid) ? folder.uid : undefined
  if (owner === undefined) return real
  if (isSafeDirectory(dir, safeDirectories(options.env ?? globalThis.process?.env ?? {}, realpathSync))) return real
  const whose = owner === stat.uid ? 'it belongs to' : `its folder ${dir} belongs to`
  const user = describeUser(owner, (path) => readFileSync(path, 'utf8'))
  const flag = what.includes('plugin') ? '--plugin' : '--config'
  throw refuse(
    `Refusing to run ${what} ${shown}: ${whose} ${user}, not to you, and berth runs another user's code only when asked. ` +
      `If you trust it, name it on the command line (${flag} ${real}) or allow its folder: export BERTH_SAFE_DIRECTORIES=${dir}`,
  )
}
