/**
 * `exec`: one service on its port. The lease is taken (or renewed) first: from the project file
 * when it has the service, else from `basePort`/`maxPort` as `berth get` does. Then the service
 * is started, held to its port until the spawn, and supervised until it ends.
 */
import { PortError, type PortEntry, projectLayer } from './deps.ts'
import { createPorts, type PortsOptions } from './ports.ts'
import { loadProjectFile } from './project-file.ts'
import { runService, type Placement, type ServiceOutcome, type ServiceSpec } from './service.ts'
import { serviceSettings } from './settings-from-file.ts'

export interface ExecOptions extends PortsOptions, Omit<ServiceSpec, 'service' | 'argv' | 'env' | 'cwd'> {
  /** First port tried and start of the range, when the project file does not have the service. @default 3000 */
  basePort?: number
  /** @default basePort + 100 */
  maxPort?: number
  exclude?: readonly PortEntry[]
  /** The project file's environment. @default NODE_ENV when the file has it, else development */
  environment?: string
  /** The project file (default: berth.config.ts/.json at the project root); false: ignore any. */
  config?: string | false
}

export type ExecResult = ServiceOutcome

export async function exec(service: string, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (typeof service !== 'string' || service === '')
    throw new PortError('E_INVALID_OPTIONS', `exec needs a service name, got ${JSON.stringify(service)}`)
  if (!Array.isArray(argv) || argv.length === 0)
    throw new PortError('E_INVALID_OPTIONS', `exec needs a command to run for ${service}, e.g. ["node", "server.js"]`)
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const ports = await createPorts({ ...options, env, cwd })
  try {
    const loaded = await loadProjectFile(cwd, options.config, env)
    let first: Placement | undefined
    let fromFile: Partial<ServiceSpec> = {}
    let range = { basePort: options.basePort ?? 3000, maxPort: options.maxPort, host: options.host, exclude: options.exclude }
    if (loaded) {
      const { pickEnvironment } = await projectLayer()
      const environment = pickEnvironment(options.environment, env.NODE_ENV, Object.keys(loaded.config.environments))
      const configured = loaded.config.environments[environment]?.services[service]
      if (configured) {
        first = (await ports.placeProject(loaded, environment)).get(service)
        range = {
          basePort: configured.base ?? first!.port,
          maxPort: configured.max,
          host: configured.host ?? options.host,
          exclude: options.exclude,
        }
        // The file's settings for the service; what the caller passes wins.
        fromFile = serviceSettings(configured)
      }
    }
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
    return await runService({ ...fromFile, ...given, service, argv, env, cwd, host: range.host }, ports.sourceFor(service, range, first))
  } finally {
    await ports.close()
  }
}
