/** The variables a project exports: each service's `env`, plus `exports` built from the allocations. */
import { PortError } from '../core/errors.ts'
import type { AllocationResult } from '../core/types.ts'
import { DENIED_EXPORT_MESSAGE, isDeniedExport } from './denied-exports.ts'
import type { Plan } from './plan.ts'
import type { EnvironmentConfig } from './schema.ts'

/** "${api-server.port}" or "${web.ports}" (comma-separated, for instances). */
const TEMPLATE = /\$\{([^}.]+)\.(port|ports)\}/g

const notAService = (key: string, name: string, environment: string) =>
  `exports.${key} refers to ${JSON.stringify(name)}, which is not a service of ${environment}`

/** Every service a template names must exist: checked while planning, before any port is allocated. */
export function checkExportTemplates(env: EnvironmentConfig, environment: string, file: string): void {
  for (const [key, value] of Object.entries(env.exports ?? {})) {
    if (typeof value !== 'string') continue
    for (const [, name] of value.matchAll(TEMPLATE)) {
      if (!Object.hasOwn(env.services, name!)) throw new PortError('E_INVALID_OPTIONS', `${file}: ${notAService(key, name!, environment)}`)
    }
  }
}

/** What a template or an exports function sees of each service. */
export interface ServicePorts {
  port: number
  ports: number[]
}

export function buildExports(plan: Plan, results: ReadonlyMap<string, AllocationResult>): Record<string, string> {
  // Null-prototype: `${toString.port}` must find a service called toString or none, never Object's method.
  const services: Record<string, ServicePorts> = Object.create(null)
  for (const [name, requestNames] of Object.entries(plan.instances)) {
    const ports = requestNames.map((request) => results.get(request)!.port)
    services[name] = { port: ports[0]!, ports }
  }
  const vars: Record<string, string> = Object.create(null)
  const set = (key: string, value: string) => {
    // The schema refuses these names already; this keeps any other way in shut.
    if (isDeniedExport(key)) throw new PortError('E_INVALID_OPTIONS', `exports.${key}: ${key} ${DENIED_EXPORT_MESSAGE}`)
    vars[key] = value
  }
  for (const [name, service] of Object.entries(plan.env.services)) if (service.env) set(service.env, String(services[name]!.port))
  for (const [key, value] of Object.entries(plan.env.exports ?? {})) {
    if (typeof value === 'function') {
      set(key, String((value as (s: Record<string, ServicePorts>) => unknown)(services)))
      continue
    }
    set(
      key,
      value.replace(TEMPLATE, (_, name: string, field: 'port' | 'ports') => {
        const service = Object.hasOwn(services, name) ? services[name] : undefined
        if (!service) throw new PortError('E_INVALID_OPTIONS', notAService(key, name, plan.environment))
        return field === 'port' ? String(service.port) : service.ports.join(',')
      }),
    )
  }
  return vars
}
