/** The spec's `getConfig()` and the "Config not initialized" guard. */
import { speaking } from './functions.ts'
import { PortError } from '../core/errors.ts'
import { createEmitter } from '../core/events.ts'
import { pickEnvironment } from '../project/plan.ts'
import { projectOrSpec, type Environment } from './services.ts'
import { upProject } from '../project/up.ts'
import { SqliteMissing } from '../registry/sqlite.ts'
import { persist } from '../plugins/persist.ts'
import type { AllocationResult, AllocatorOptions, PortPlugin } from '../core/types.ts'

export { SPEC_SERVICES, type Environment } from './services.ts'

/** What `getConfig()` resolves to: the spec's environment variables, built from the allocations. */
export interface BerthConfig {
  environment: Environment
  /** The web server's port. */
  PORT: number
  /** Vite's HMR port, in development. */
  VITE_HMR_PORT?: number
  /** `http://localhost:<api-server port>`, so the web server can proxy to the API. */
  API_TARGET?: string
  /** Every exported variable (with a project file: each service's `env` and the file's `exports`). */
  env: Record<string, string>
  allocations: AllocationResult[]
}

export interface GetConfigOptions extends AllocatorOptions {
  /**
   * With a project file: any of its environments. Without: "development" or "production".
   * @default NODE_ENV when set, else "development"
   */
  environment?: Environment | (string & {})
  /** Allocate again even when a config is already loaded. */
  refresh?: boolean
  /**
   * A folder: the project root (as the CLI's `--project`). `false` ignores a project file and
   * allocates the spec's services.
   * @default BERTH_PROJECT, else the nearest folder with a berth config or `.git` above the working directory
   */
  project?: false | string
}

let loading: Promise<BerthConfig> | undefined
let current: BerthConfig | undefined

/** The config from the exported variables, with a project file or without: one shape for both. */
function configOf(environment: string, env: Record<string, string>, allocations: AllocationResult[]): BerthConfig {
  const number = (key: string) => (env[key] === undefined ? undefined : Number(env[key]))
  return {
    environment: environment as Environment,
    PORT: number('PORT')!,
    ...(env.VITE_HMR_PORT === undefined ? {} : { VITE_HMR_PORT: number('VITE_HMR_PORT') }),
    ...(env.API_TARGET === undefined ? {} : { API_TARGET: env.API_TARGET }),
    env,
    allocations,
  }
}

/** Told once per process: the library on a runtime without SQLite allocates without leases. */
let toldNoSqlite = false

function noSqliteWarning(error: SqliteMissing): string {
  return (
    `⚠️  getConfig(): ${error.message}. Allocating in this process only: the ports are not leased, ` +
    'so they are not remembered between runs and another process may be handed the same ones (berth up may disagree)'
  )
}

/**
 * The project file's plan, or the spec's services where there is none, through the lease
 * registry: the same plan and registry `berth up` uses, so JavaScript sees the ports it printed.
 * An explicit `plugins` option replaces the registry.
 */
async function plan(options: GetConfigOptions, env: Record<string, string | undefined>): Promise<BerthConfig> {
  const scoped = typeof options.project === 'string' ? { ...env, BERTH_PROJECT: options.project } : env
  const project = await projectOrSpec(globalThis.process?.cwd() ?? '.', { env: scoped }, options.project !== false)
  const environment = pickEnvironment(options.environment, env.NODE_ENV, Object.keys(project.config.environments))
  const run = (plugins: AllocatorOptions['plugins']) => upProject(project, { ...speaking(options), env: scoped, environment, plugins })
  let up
  try {
    up = await run(options.plugins ?? [persist()])
  } catch (error) {
    if (options.plugins || !(error instanceof SqliteMissing)) throw error
    if (!toldNoSqlite)
      createEmitter(speaking(options))({ type: 'warning', level: 'warn', serviceName: '*', message: noSqliteWarning(error) })
    toldNoSqlite = true
    up = await run([] as PortPlugin[])
  }
  return configOf(environment, up.exports, up.allocations)
}

/** Allocates the project's services (or the spec's) once per process and returns their ports; later calls return the same config. Logs to the console unless `logger` is given (`null`: silent). */
export function getConfig(options: GetConfigOptions = {}): Promise<BerthConfig> {
  if (loading && !options.refresh) return loading
  const env = options.env ?? globalThis.process?.env ?? {}
  const attempt = plan(options, env).then((made) => (current = made))
  // A failed load must not stick: the next call tries again.
  loading = attempt.catch((error) => {
    loading = undefined
    throw error
  })
  return loading
}

/**
 * The loaded config, for code that cannot await. Reading a property before `getConfig()`
 * has resolved throws the spec's "Config not initialized" error.
 */
export const config: Readonly<BerthConfig> = new Proxy({} as BerthConfig, {
  get(_target, key) {
    // Symbols and `then` are asked by inspectors and by `await`; they are not config reads.
    if (typeof key === 'symbol' || key === 'then') return undefined
    if (!current) {
      throw new PortError('E_CONFIG_NOT_INITIALIZED', `Config not initialized: await getConfig() before reading config.${key}`)
    }
    return current[key as keyof BerthConfig]
  },
})

/** Forgets the loaded config (tests, long-running processes that re-plan). */
export function resetConfig(): void {
  loading = undefined
  current = undefined
}
