/**
 * Runs a project or plugin file berth was asked to load: only a trusted one (project/trust.ts), within
 * a deadline, and with errors that name the file. A file whose top-level `await` never settles
 * would otherwise leave berth waiting with nothing else to do, and the process would end with
 * no answer and no error.
 */
import { PortError, isPortError } from '../core/errors.ts'
import { assertTrustedFile } from './trust.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface LoadFileOptions {
  /** The file was named on the command line (`--config`, `--plugin`): another user's file may run. */
  explicit?: boolean
  /** How long loading one file may take, in milliseconds. @default BERTH_LOAD_TIMEOUT, else 5000 */
  loadTimeout?: number
  env?: Env
}

export const DEFAULT_LOAD_TIMEOUT_MS = 5000

/** `BERTH_LOAD_TIMEOUT`: `10` (seconds), `10s` or `2500ms`. Anything else is refused by name. */
export function loadTimeoutOf(options: LoadFileOptions): number {
  if (options.loadTimeout !== undefined) {
    if (Number.isFinite(options.loadTimeout) && options.loadTimeout > 0) return options.loadTimeout
    throw new PortError('E_INVALID_OPTIONS', `loadTimeout must be a positive number of milliseconds, got ${String(options.loadTimeout)}`)
  }
  const text = (options.env ?? globalThis.process?.env)?.BERTH_LOAD_TIMEOUT
  if (text === undefined || text === '') return DEFAULT_LOAD_TIMEOUT_MS
  const match = /^([1-9][0-9]{0,6})(ms|s)?$/.exec(text)
  if (!match)
    throw new PortError('E_INVALID_OPTIONS', `BERTH_LOAD_TIMEOUT must be a duration such as 10, 10s or 2500ms, got ${JSON.stringify(text)}`)
  return Number(match[1]) * (match[2] === 'ms' ? 1 : 1000)
}

/** `work`, or an error naming `file` once `ms` have passed. The timer keeps the process alive until then, on purpose. */
export function withDeadline<T>(work: Promise<T>, ms: number, file: string, doing: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seconds = ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
      reject(
        new PortError(
          'E_INVALID_OPTIONS',
          `${doing} ${file} did not finish within ${seconds} (a top-level await that never settles?). Fix the file, or allow more time: BERTH_LOAD_TIMEOUT=30s`,
        ),
      )
    }, ms)
  })
  return Promise.race([work, late]).finally(() => clearTimeout(timer))
}

/** The runtime's message without the compiled binary's internal paths (`from '/$bunfs/root/berth'`). */
export const cleanMessage = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error))
    .replace(/\s*from\s+['"]?\/\$bunfs\/[^'"\s]*['"]?/g, '')
    .replace(/\/\$bunfs\/\S*/g, 'berth')

/**
 * The default export of `path` (absolute), after the trust checks; `what` names the file's role
 * ("project file", "plugin file"). A missing file or one that fails to load is `E_INVALID_OPTIONS`.
 */
export async function importFile(path: string, what: string, options: LoadFileOptions = {}): Promise<unknown> {
  const [{ existsSync }, { pathToFileURL }] = await Promise.all([import('node:fs'), import('node:url')])
  if (!existsSync(path)) throw new PortError('E_INVALID_OPTIONS', `The ${what} ${path} does not exist`)
  const real = await assertTrustedFile(path, `the ${what}`, options)
  const loading = (import(pathToFileURL(real).href) as Promise<{ default?: unknown }>).then((module) => module.default)
  try {
    return await withDeadline(loading, loadTimeoutOf(options), path, `Loading the ${what}`)
  } catch (error) {
    if (isPortError(error)) throw error
    throw new PortError('E_INVALID_OPTIONS', `Cannot load the ${what} ${path}: ${cleanMessage(error)}`, { cause: error })
  }
}
