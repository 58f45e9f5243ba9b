/**
 * Whose folders berth trusts: another user's folder (not yours, not root's) is trusted only when
 * `BERTH_SAFE_DIRECTORIES` lists it, like git's `safe.directory`. The walk up to the project root
 * (registry/project.ts) and the checks of files berth runs (project/trust.ts) both ask here.
 */
import { PortError } from '../core/errors.ts'

type Env = Readonly<Record<string, string | undefined>>

/** The allow-list: folders (and everything below them) whose files run whoever owns them. `'*'`: every folder. */
export type SafeDirectories = readonly string[] | '*'

export const euid = (): number | undefined => globalThis.process?.geteuid?.()

/** True when `uid` is neither this user nor root: that user could change what berth runs. */
export function isForeignOwner(uid: number): boolean {
  const me = euid()
  return me !== undefined && uid !== me && uid !== 0
}

/**
 * `BERTH_SAFE_DIRECTORIES`: absolute folders separated by `:` (`;` on Windows), or `*`. A
 * relative entry is refused rather than read against whatever the working directory is.
 */
export function safeDirectories(env: Env, realpath: (path: string) => string): SafeDirectories {
  const text = env.BERTH_SAFE_DIRECTORIES ?? ''
  const entries = text.split(globalThis.process?.platform === 'win32' ? ';' : ':').filter((entry) => entry !== '')
  if (entries.includes('*')) return '*'
  return entries.map((entry) => {
    if (!entry.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(entry)) {
      throw new PortError('E_INVALID_OPTIONS', `BERTH_SAFE_DIRECTORIES must list absolute folders, got ${JSON.stringify(entry)}`)
    }
    try {
      return realpath(entry)
    } catch {
      return entry
    }
  })
}

/** True when `dir` (a real path) is an allow-listed folder or inside one. */
export function isSafeDirectory(dir: string, safe: SafeDirectories): boolean {
  if (safe === '*') return true
  return safe.some((entry) => dir === entry || dir.startsWith(entry.endsWith('/') ? entry : `${entry}/`))
}
