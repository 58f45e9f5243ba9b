/** The environment a service starts with: its port under the usual names, its siblings' ports, the project's exports. */

/** `api-server` → `API_SERVER_PORT`: upper-cased, every character but letters and digits turned into `_`. */
export function portVariable(service: string): string {
  const name = service.toUpperCase().replace(/[^A-Z0-9]/g, '_')
  return `${/^[0-9]/.test(name) ? '_' : ''}${name}_PORT`
}

export interface ServiceEnvInput {
  service: string
  port: number
  host?: string
  /** Other services of the project and their leased ports. */
  siblings?: Record<string, number>
  /** The project's exports (`API_TARGET`, `VITE_HMR_PORT`, …). */
  exports?: Record<string, string>
  /** A custom name for the port, besides `PORT` and `<SERVICE>_PORT` (`--env NAME`, the config's `env`). */
  envVar?: string
  /** Extra variables of the service (the config's `environment`); they win over the computed ones except the port. */
  extra?: Record<string, string>
}

/** The variables berth sets on top of the inherited environment. */
export function serviceEnv(input: ServiceEnvInput): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const [name, port] of Object.entries(input.siblings ?? {})) vars[portVariable(name)] = String(port)
  Object.assign(vars, input.exports, input.extra)
  const port = String(input.port)
  vars.PORT = port
  vars[portVariable(input.service)] = port
  if (input.envVar) vars[input.envVar] = port
  if (input.host) vars.HOST = input.host
  return vars
}
