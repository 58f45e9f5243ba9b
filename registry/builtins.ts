/**
 * node:fs (and node:path on Windows) for the registry, loaded on first use. In the compiled
 * binary a static import of a built-in runs at start-up, and node:fs and node:path are a visible
 * part of a cold `berth get` (README, Benchmark, scenario 5), so `--no-persist` and `berth check` load neither, and POSIX
 * systems use the few path helpers below instead of node:path. Every entry point awaits
 * `loadBuiltins()` before the synchronous helpers below it touch `node`.
 */
export interface PathHelpers {
  join(...parts: string[]): string
  dirname(path: string): string
  isAbsolute(path: string): boolean
}

export interface Builtins {
  fs: typeof import('node:fs')
  path: PathHelpers
}

/** Enough of node:path for absolute POSIX paths, which are all the registry handles. */
const posixPath: PathHelpers = {
  join: (...parts) => parts.join('/').replace(/\/{2,}/g, '/'),
  dirname: (path) => {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path
    const slash = trimmed.lastIndexOf('/')
    return slash <= 0 ? '/' : trimmed.slice(0, slash)
  },
  isAbsolute: (path) => path.startsWith('/'),
}

export const node = {} as Builtins

let loading: Promise<Builtins> | undefined

export function loadBuiltins(): Promise<Builtins> {
  const windows = globalThis.process?.platform === 'win32'
  loading ??= Promise.all([import('node:fs'), windows ? import('node:path') : posixPath]).then(([fs, path]) =>
    Object.assign(node, { fs, path }),
  )
  return loading
}

/** The home folder: $HOME when set, else node:os (loaded only then). */
export async function homeDir(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  return env.HOME || (await import('node:os')).homedir()
}
