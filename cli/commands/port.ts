/**
 * `berth port SERVICE`: the port leased to a service of this project, looked up without moving
 * anything (no probe, no claim, no renewal). Leases belong to a project, not to an environment,
 * so it answers whichever environment `berth up` ran. A service with instances gives all of
 * them, comma-separated (as `${worker.ports}`).
 */
import { createRegistry } from '../../registry/registry.ts'
import { findProjectRoot } from '../../registry/project.ts'
import { resolveStateDir } from '../../registry/dir.ts'
import { usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'
import { projectEnv, type ProjectFlag } from '../project.ts'
import { toJson } from './leases.ts'

export interface PortOptions extends ProjectFlag {
  json?: boolean
}

export async function portCommand(service: string | undefined, options: PortOptions, io: Io): Promise<number> {
  if (service === undefined || service === '') throw usageError('port needs a service name, e.g. "berth port web"')
  const env = projectEnv(options, io.env)
  const project = await findProjectRoot(io.cwd, env)
  const registry = await createRegistry(await resolveStateDir(undefined, env))
  try {
    for (const warning of registry.warnings) io.stderr(`${warning}\n`)
    const leases = registry.leasesOf(project, service)
    if (leases.length === 0) {
      io.stderr(`No lease for service ${JSON.stringify(service)} in ${project}: "berth get ${service}" or "berth up" makes one\n`)
      return EXIT.unavailable
    }
    const ports = leases.map((lease) => lease.port)
    if (options.json) io.stdout(`${JSON.stringify({ service, project, port: ports[0], ports, leases: leases.map(toJson) })}\n`)
    else io.stdout(`${ports.join(',')}\n`)
    const dormant = leases.filter((lease) => lease.state === 'dormant').map((lease) => lease.service)
    if (dormant.length > 0)
      io.stderr(`Note: the lease of ${dormant.join(', ')} is dormant (its owner has exited): the port is remembered, not held\n`)
    return EXIT.ok
  } finally {
    registry.close()
  }
}
