/**
 * A lease belongs to a project: the folder named by BERTH_PROJECT (the CLI's --project sets it),
 * else the nearest folder, from the working directory up, that holds a berth config file or a
 * `.git` entry (a folder in a clone, a file in a worktree), else the working directory itself.
 * Two checkouts of one repository are two projects, so they get different ports.
 */
import { PortError } from '../core/errors.ts'
import { isForeignOwner, isSafeDirectory, safeDirectories, type SafeDirectories } from './safe-directories.ts'
import { loadBuiltins } from './builtins.ts'

export const CONFIG_FILES = ['berth.config.ts', 'berth.config.json'] as const
const MARKERS = [...CONFIG_FILES, '.git']

/** BERTH_PROJECT's folder, relative to `cwd` when not absolute; it must exist. */
function namedProject(fs: typeof import('node:fs'), join: (...parts: string[]) => string, cwd: string, named: string): string {
  const path = named.startsWith('/') ? named : join(fs.realpathSync(cwd), named)
  try {
    if (fs.statSync(path).isDirectory()) return fs.realpathSync(path)
  } catch {
    // Reported below, with the value.
  }
  throw new PortError('E_INVALID_OPTIONS', `The project folder ${JSON.stringify(named)} (--project or BERTH_PROJECT) is not a directory`)
}

/**
 * The project root for `cwd` (an absolute path); `cwd` itself when nothing above it is marked.
 * The walk up stops below a folder owned by another user than you or root (unless it is in
 * BERTH_SAFE_DIRECTORIES): a file there is not your project's, and whoever owns the folder chose it.
 */
export async function findProjectRoot(
  cwd: string,
  env: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {},
): Promise<string> {
  const {
    fs,
    fs: { existsSync, realpathSync, statSync },
    path: { dirname, join },
  } = await loadBuiltins()
  if (env.BERTH_PROJECT) return namedProject(fs, join, cwd, env.BERTH_PROJECT)
  // The real path, so a project reached through a symlink is still one project.
  const start = realpathSync(cwd)
  let safe: SafeDirectories | undefined
  for (let dir = start; ; dir = dirname(dir)) {
    if (dir !== start && isForeignOwner(statSync(dir).uid) && !isSafeDirectory(dir, (safe ??= safeDirectories(env, realpathSync))))
      return start
    if (MARKERS.some((name) => existsSync(join(dir, name)))) return dir
    if (dirname(dir) === dir) return start
  }
}
