/** The spec's `getConfig()` and the "Config not initialized" guard. */
import { allocateMultiplePorts, type ServiceRequest } from './api.ts'
import { PortError } from './errors.ts'
import { loadProject } from './project/load.ts'
import { upProject } from './project/up.ts'
import { pickEnvironment } from './project/plan.ts'
import { persist } from '../plugins/persist.ts'
import type { AllocationResult, AllocatorOptions } from './types.ts'

export type Environment = 'development' | 'production'

/** The spec's port plan: one row per service, per environment. */
export const SPEC_SERVICES: Record<Environment, readonly ServiceRequest[]> = {
  development: [
    { name: 'web-server', basePort: 5000, maxPort: 5100, envVar: 'PORT' },
    { name: 'api-server', basePort: 3000, maxPort: 3100 },
    { name: 'vite-hmr', basePort: 24678, maxPort: 24778, envVar: 'VITE_HMR_PORT' },
  ],
  production: [
    { name: 'web-server', basePort: 5000, maxPort: 5010, envVar: 'PORT' },
    { name: 'api-server', basePort: 3000, maxPort: 3010 },
  ],
}

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
  /** `false` ignores a project file and allocates the spec's services. */
  project?: false
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

/** The spec's services: web-server is PORT, vite-hmr VITE_HMR_PORT, api-server API_TARGET's port. */
function specConfig(environment: Environment, allocations: AllocationResult[]): BerthConfig {
  const port = (name: string) => allocations.find((a) => a.serviceName === name)?.port
  const api = port('api-server')
  const hmr = port('vite-hmr')
  const env: Record<string, string> = { PORT: String(port('web-server')) }
  if (hmr !== undefined) env.VITE_HMR_PORT = String(hmr)
  if (api !== undefined) env.API_TARGET = `http://localhost:${api}`
  return configOf(environment, env, allocations)
}

/**
 * With a project file, the same plan `berth up` runs, through the lease registry, so JavaScript
 * sees the ports `berth up` printed. (An explicit `plugins` option replaces the registry.)
 */
async function fromProject(options: GetConfigOptions, nodeEnv: string | undefined): Promise<BerthConfig | null> {
  const project = await loadProject(globalThis.process?.cwd() ?? '.')
  if (!project) return null
  const environment = pickEnvironment(options.environment, nodeEnv, Object.keys(project.config.environments))
  const plugins = options.plugins ?? [persist()]
  const up = await upProject(project, { ...options, environment, plugins })
  return configOf(environment, up.exports, up.allocations)
}

/** Allocates the spec's services once per process and returns their ports; later calls return the same config. */
export function getConfig(options: GetConfigOptions = {}): Promise<BerthConfig> {
  if (loading && !options.refresh) return loading
  const env = options.env ?? globalThis.process?.env ?? {}
  const attempt = (async () => {
    const planned = options.project === false ? null : await fromProject(options, env.NODE_ENV)
    if (planned) return (current = planned)
    const environment = pickEnvironment(options.environment, env.NODE_ENV, ['development', 'production'])
    if (environment !== 'development' && environment !== 'production') {
      throw new PortError('E_INVALID_OPTIONS', `environment must be "development" or "production" without a berth.config file, got ${JSON.stringify(environment)}`)
    }
    return (current = specConfig(environment, await allocateMultiplePorts(SPEC_SERVICES[environment], options)))
  })()
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
