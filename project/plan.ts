/** Turns one environment of the project file into allocation requests: pools, instances, groups. */
import type { ServiceRequest } from '../spec/functions.ts'
import { PortError } from '../core/errors.ts'
import type { PoolSpec } from '../plugins/pool.ts'
import { checkExportTemplates } from './exports.ts'
import { LIMITS, type EnvironmentConfig, type ProjectConfig, type ServiceConfig } from './schema.ts'

export interface PlannedGroup {
  name: string
  span: number
  members: ServiceRequest[]
}

export interface Plan {
  environment: string
  /** Every named pool: the file's, plus one per service that gives its own range or list. */
  pools: Record<string, PoolSpec>
  groups: PlannedGroup[]
  /** Requests outside groups, in file order (instances of one service are `name#1`, `name#2`…). */
  requests: ServiceRequest[]
  /** Service name → its request names, for exports. */
  instances: Record<string, string[]>
  env: EnvironmentConfig
}

const RANGE = /^[1-9][0-9]{0,4}-[1-9][0-9]{0,4}$/

/** The i-th port of a pool (0 is the first), or undefined past its end. */
function portOf(spec: PoolSpec, i: number): number | undefined {
  if (typeof spec !== 'string') return spec[i]
  const [from, to] = spec.split('-').map(Number) as [number, number]
  return from + i <= to ? from + i : undefined
}

export function planEnvironment(config: ProjectConfig, environment: string, file: string): Plan {
  const env = Object.hasOwn(config.environments, environment) ? config.environments[environment] : undefined
  if (!env) {
    throw new PortError(
      'E_INVALID_OPTIONS',
      `${file} has no environment ${JSON.stringify(environment)}; it has: ${Object.keys(config.environments).join(', ')}`,
    )
  }
  // Null-prototype objects and maps: a service or pool may be called `constructor` or `__proto__`.
  const pools: Record<string, PoolSpec> = Object.assign(Object.create(null), config.pools)
  const grouped = new Map<string, string>()
  for (const [group, { services }] of Object.entries(env.groups ?? {})) {
    for (const member of services) {
      const service = Object.hasOwn(env.services, member) ? env.services[member] : undefined
      if (!service)
        throw new PortError(
          'E_INVALID_OPTIONS',
          `${file}: group ${group} names ${JSON.stringify(member)}, which is not a service of ${environment}`,
        )
      if ((service.instances ?? 1) > 1 || service.base === undefined) {
        throw new PortError('E_INVALID_OPTIONS', `${file}: ${member} in group ${group} needs a "base" and a single instance`)
      }
      grouped.set(member, group)
    }
  }
  const requestsOf = (name: string, service: ServiceConfig): ServiceRequest[] => {
    let pool: string | undefined
    if (typeof service.pool === 'string' && !RANGE.test(service.pool)) {
      if (!Object.hasOwn(pools, service.pool))
        throw new PortError(
          'E_INVALID_OPTIONS',
          `${file}: ${name} uses pool ${JSON.stringify(service.pool)}, which "pools" does not define`,
        )
      pool = service.pool
    } else if (service.pool !== undefined) {
      pool = `${name}:own`
      pools[pool] = service.pool
    }
    const count = service.instances ?? 1
    // Instance i prefers the i-th port of the range or pool, so #2…#N are not "fallbacks" of #1's port.
    const slot = (i: number) => {
      const port = service.base !== undefined ? service.base + i : portOf(pools[pool!]!, i)
      if (port === undefined || port > 65535 || (service.max !== undefined && port > service.max)) {
        throw new PortError('E_INVALID_OPTIONS', `${file}: ${name} asks for ${count} instances, more than its range or pool holds`)
      }
      return port
    }
    // "pool" and "priority" are short for the pool() and priority() plugins' options.
    const options = {
      ...service.options,
      ...(pool === undefined ? {} : { pool: { name: pool } }),
      ...(service.priority === undefined ? {} : { priority: { value: service.priority } }),
    }
    return Array.from(
      { length: count },
      (_, i): ServiceRequest => ({
        name: count > 1 ? `${name}#${i + 1}` : name,
        basePort: slot(i),
        maxPort: service.max,
        envVar: i === 0 ? service.env : undefined,
        strict: service.strict,
        host: service.host,
        ...(Object.keys(options).length > 0 ? { options } : {}),
      }),
    )
  }
  const requests: ServiceRequest[] = []
  const instances: Record<string, string[]> = Object.create(null)
  const members = new Map<string, ServiceRequest>()
  let total = 0
  for (const [name, service] of Object.entries(env.services)) {
    total += service.instances ?? 1
    if (total > LIMITS.ports)
      throw new PortError(
        'E_INVALID_OPTIONS',
        `${file}: ${environment} asks for more than ${LIMITS.ports} ports (instances included); split it`,
      )
    const made = requestsOf(name, service)
    instances[name] = made.map((r) => r.name)
    if (grouped.has(name)) members.set(name, made[0]!)
    else requests.push(...made)
  }
  const groups = Object.entries(env.groups ?? {}).map(([name, group]) => ({
    name,
    span: group.span,
    members: group.services.map((member) => members.get(member)!),
  }))
  checkExportTemplates(env, environment, file)
  // Each offset of a group tries every member: bound the trials, not only each factor.
  const trials = groups.reduce((sum, group) => sum + (group.span + 1) * group.members.length, 0)
  if (trials > LIMITS.groupTrials) {
    throw new PortError(
      'E_INVALID_OPTIONS',
      `${file}: the groups of ${environment} would try ${trials} placements (span + 1 times members); at most ${LIMITS.groupTrials}: lower a span or split a group`,
    )
  }
  return { environment, pools, groups, requests, instances, env }
}

/** `explicit` when given; else NODE_ENV when it names one of `available`; else "development". */
export function pickEnvironment(explicit: string | undefined, nodeEnv: string | undefined, available: readonly string[]): string {
  if (explicit) return explicit
  return nodeEnv && available.includes(nodeEnv) ? nodeEnv : 'development'
}
