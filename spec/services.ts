/**
 * The spec's services as a project: what `berth up` and `getConfig()` allocate where there is no
 * project file. One plan for both, so they always agree.
 */
import type { ServiceRequest } from './functions.ts'
import { findProjectRoot } from '../registry/project.ts'
import { loadProject, type LoadedProject, type LoadProjectOptions } from '../project/load.ts'
import type { ProjectConfig, ServiceConfig } from '../project/schema.ts'

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

const serviceOf = (r: ServiceRequest): ServiceConfig => ({ base: r.basePort, max: r.maxPort, ...(r.envVar ? { env: r.envVar } : {}) })

const environmentOf = (services: readonly ServiceRequest[]) => ({
  services: Object.fromEntries(services.map((r) => [r.name, serviceOf(r)])),
  // The spec's three variables: PORT and VITE_HMR_PORT from the services, API_TARGET from the API's port.
  exports: { API_TARGET: 'http://localhost:${api-server.port}' },
})

export const SPEC_CONFIG: ProjectConfig = {
  environments: { development: environmentOf(SPEC_SERVICES.development), production: environmentOf(SPEC_SERVICES.production) },
}

/** Where the spec's plan comes from when a folder has no project file. */
export const SPEC_FILE = "(no berth.config file: the spec's services)"

/** The project file of `cwd`'s project (or `options.file`), or the spec's services recorded under the project root. */
export async function projectOrSpec(cwd: string, options: LoadProjectOptions = {}, useFile = true): Promise<LoadedProject> {
  const loaded = useFile ? await loadProject(cwd, options) : null
  return loaded ?? { file: SPEC_FILE, root: await findProjectRoot(cwd, options.env), config: SPEC_CONFIG, plugins: [] }
}
