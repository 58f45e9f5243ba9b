/**
 * The leases the Vite plugin works with: a service's own port (allocated with persistence, from
 * the project file's range, so `berth up`, `berth port` and the plugin share one lease), another
 * service's current port (read only, for the proxy), and moving a lease to where Vite really
 * listens.
 */
import { PortError } from '../core/errors.ts'
import type { Logger } from '../core/types.ts'
import { exclusions } from '../plugins/exclusions.ts'
import { persist } from '../plugins/persist.ts'
import { pool } from '../plugins/pool.ts'
import { toInput } from '../project/group.ts'
import { pickEnvironment, planEnvironment } from '../project/plan.ts'
import { resolveStateDir } from '../registry/dir.ts'
import { ownerOf } from '../registry/owner.ts'
import { findProjectRoot } from '../registry/project.ts'
import { createRegistry } from '../registry/registry.ts'
import { SqliteMissing } from '../registry/sqlite.ts'
import { createAllocator } from '../spec/allocator.ts'
import { projectOrSpec } from '../spec/services.ts'

export interface LeaseContext {
  /** Where the project (file) is looked for: Vite's root. */
  root: string
  env: Record<string, string | undefined>
  /** The project file's environment. @default NODE_ENV when the file has it, else development */
  environment?: string
  /** The lease registry. @default as for `berth get` (BERTH_STATE_DIR …) */
  stateDir?: string
  logger: Logger | null
}

/** Node before 22.13 has no node:sqlite: say how to run Vite so that berth hands it its ports. */
function explained(error: unknown, service: string): unknown {
  if (!(error instanceof SqliteMissing)) return error
  return new PortError(
    'E_STATE',
    `${error.message}; or start Vite through berth, which passes the ports in: "berth exec ${service} -- vite" (or "berth run")`,
  )
}

/** The service's port: its lease renewed, or a new one from the project file's range (the spec's when there is no file). */
export async function leasePort(service: string, ctx: LeaseContext): Promise<number> {
  const project = await projectOrSpec(ctx.root, { env: ctx.env })
  const environment = pickEnvironment(ctx.environment, ctx.env.NODE_ENV, Object.keys(project.config.environments))
  const plan = planEnvironment(project.config, environment, project.file)
  const request = [...plan.requests, ...plan.groups.flatMap((group) => group.members)].find((r) => r.name === service)
  if (!request) {
    const names = [...plan.requests, ...plan.groups.flatMap((group) => group.members)].map((r) => r.name)
    throw new PortError(
      'E_INVALID_OPTIONS',
      `berth-ports/vite: ${project.file} has no service ${JSON.stringify(service)} in ${environment}; it has: ${names.join(', ')}`,
    )
  }
  const allocator = createAllocator({
    env: ctx.env,
    logger: ctx.logger,
    plugins: [
      exclusions(project.config.exclude ?? {}),
      pool({ pools: plan.pools }),
      persist({ project: project.root, stateDir: ctx.stateDir }),
      ...project.plugins,
    ],
  })
  try {
    return (await allocator.allocate(toInput(request))).port
  } catch (error) {
    throw explained(error, service)
  } finally {
    await allocator.dispose()
  }
}

async function withRegistry<T>(
  ctx: LeaseContext,
  work: (registry: Awaited<ReturnType<typeof createRegistry>>, project: string) => T,
): Promise<T> {
  const project = await findProjectRoot(ctx.root, ctx.env)
  const registry = await createRegistry(await resolveStateDir(ctx.stateDir, ctx.env))
  try {
    return work(registry, project)
  } finally {
    registry.close()
  }
}

/** The port leased to another service of the project, or null when it has none; nothing is claimed. */
export function leasedPortOf(service: string, ctx: LeaseContext): Promise<number | null> {
  return withRegistry(ctx, (registry, project) => registry.leaseOf(project, service)?.port ?? null)
}

/** Moves the service's lease to `port` (owned by this process); false when another service's active lease has it. */
export function moveLease(service: string, port: number, ctx: LeaseContext): Promise<boolean> {
  return withRegistry(ctx, (registry, project) =>
    registry.claim({ port, project, service, host: null, owner: ownerOf(process.pid), leaseUntil: null, replaceDormant: false }),
  )
}
