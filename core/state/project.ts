/**
 * A lease belongs to a project: the nearest folder, from the working directory up, that holds
 * a berth config file or a `.git` entry (a folder in a clone, a file in a worktree). Two
 * checkouts of one repository are two projects, so they get different ports.
 */
import { loadBuiltins } from './builtins.ts'

export const CONFIG_FILES = ['berth.config.ts', 'berth.config.json'] as const
const MARKERS = [...CONFIG_FILES, '.git']

/** The project root for `cwd` (an absolute path); `cwd` itself when nothing above it is marked. */
export async function findProjectRoot(cwd: string): Promise<string> {
  const { fs: { existsSync, realpathSync }, path: { dirname, join } } = await loadBuiltins()
  // The real path, so a project reached through a symlink is still one project.
  const start = realpathSync(cwd)
  for (let dir = start; ; dir = dirname(dir)) {
    if (MARKERS.some((name) => existsSync(join(dir, name)))) return dir
    if (dirname(dir) === dir) return start
  }
}
