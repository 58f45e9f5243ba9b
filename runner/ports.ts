/**
 * Where the runner's ports come from: the lease registry through the allocator (sticky, every
 * policy plugin), with the allocator's probe replaced by one that keeps a free port bound, so the
 * chosen port stays held until the service is spawned. With a project file, the whole environment
 * is allocated at once (its exports and every sibling's port go into each service's environment).
 */
import {
  type AllocationResult,
  type Plan,
  type Allocator,
  createAllocator,
  type ExclusionOptions,
  exclusions,
  createRegistry,
  findProjectRoot,
  ownerOf,
  persist,
  probeHosts,
  releaseClaim,
  pruneAfterFromEnv,
  resolveStateDir,
  projectLayer,
  type ProjectLayer,
  type AllocationEvent,
  type LoadedProject,
  type PortEntry,
  type PortPlugin,
} from './deps.ts'
import { createHolds } from './hold.ts'
import type { Placement, PortSource } from './service.ts'

export interface PortsOptions {
  /** Strategy and policy plugins (a plugin file's). */
  plugins?: PortPlugin[]
  /** The exclusion policy's switches (the CLI's --allow-*), over the project file's `exclude`. @default all on */
  policy?: ExclusionOptions
  /** false: no lease, no stickiness (`--no-persist`). @default true */
  persist?: boolean
  stateDir?: string
  /** The project root leases belong to. @default BERTH_PROJECT, else the nearest berth config or git root */
  project?: string
  env?: Record<string, string | undefined>
  cwd?: string
  onEvent?: (event: AllocationEvent) => void
}

/** A service's range when it moves: its own, or from the port it had. */
export interface ServiceRange {
  basePort: number
  maxPort?: number
  host?: string
  exclude?: readonly PortEntry[]
}

export interface Ports {
  /** Every service of one environment of the project file, each port held. */
  placeProject(project: LoadedProject, environment: string): Promise<Map<string, Placement>>
  /** One service's ports: `first` when the project placed it, else allocated from `range`. */
  sourceFor(service: string, range: ServiceRange, first?: Placement): PortSource
  /** Releases every hold not taken and closes the registry. */
  close(): Promise<void>
}

export async function createPorts(options: PortsOptions): Promise<Ports> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const keep = options.persist !== false
  const project = keep ? (options.project ?? (await findProjectRoot(cwd, env))) : ''
  const holds = createHolds()
  // One registry for the allocation's leases and the runner's reads and claims: opened once.
  const registry = keep
    ? resolveStateDir(options.stateDir, env).then((dir) => createRegistry(dir, { pruneAfter: pruneAfterFromEnv(env) }))
    : undefined
  // A registry that fails to open is reported by the allocation that awaits it, not as an unhandled rejection.
  registry?.catch(() => {})
  const openRegistry = () => registry!
  // The lease is berth's while it allocates, and the child's once it runs (see `owned`).
  const plugins = [...(options.plugins ?? []), keep && persist({ ownerPid: process.pid, project, registry })]
  /** The project file's `exclude`, once a project was placed: a service that moves keeps its file's policy. */
  let fileExclude: ExclusionOptions = {}
  let allocator: Allocator | undefined
  const standalone = () =>
    (allocator ??= createAllocator({
      plugins: [exclusions({ ...fileExclude, ...options.policy }), ...plugins],
      probe: holds.probe,
      onEvent: options.onEvent,
      env,
    }))
  /** The project file's plan and layer, once a project was placed. */
  let plan: { plan: Plan; layer: ProjectLayer } | undefined
  /** Every service's port now: the project's allocation, then each move after a conflict. */
  const projectPorts = new Map<string, number>()
  /** Every port the allocator handed out to these services: this process's claims on them end with `close`. */
  const handedOut = new Set<number>()
  /** The project's exports from the ports as they are now (a service that moved moves its exports). */
  const exportsNow = (): Record<string, string> =>
    plan ? plan.layer.buildExports(plan.plan, new Map([...projectPorts].map(([name, port]) => [name, { port } as AllocationResult]))) : {}

  const siblingsOf = async (service: string): Promise<Record<string, number>> => {
    const ports: Record<string, number> = {}
    if (keep)
      for (const lease of (await openRegistry()).servicePorts(project)) if (!lease.service.includes('@')) ports[lease.service] = lease.port
    for (const [name, port] of projectPorts) ports[name] = port
    delete ports[service]
    return ports
  }

  const allocate = async (service: string, range: ServiceRange, taken: readonly number[]): Promise<Placement> => {
    try {
      const result = await standalone().allocate({
        serviceName: service,
        basePort: range.basePort,
        maxPort: range.maxPort,
        host: range.host,
        exclude: [...(range.exclude ?? []), ...taken],
      })
      projectPorts.set(service, result.port)
      handedOut.add(result.port)
      return { port: result.port, hold: holds.keep(result.port), siblings: await siblingsOf(service), exports: exportsNow() }
    } finally {
      holds.releaseAll()
    }
  }

  return {
    async placeProject(loaded, environment) {
      try {
        fileExclude = loaded.config.exclude ?? {}
        const layer = await projectLayer()
        const up = await layer.upProject(loaded, {
          environment,
          env,
          plugins,
          exclude: options.policy,
          probe: holds.probe,
          onEvent: options.onEvent,
        })
        plan = { plan: layer.planEnvironment(loaded.config, environment, loaded.file), layer }
        for (const a of up.allocations) {
          projectPorts.set(a.serviceName, a.port)
          handedOut.add(a.port)
        }
        const placed = new Map<string, Placement>()
        for (const a of up.allocations) placed.set(a.serviceName, { port: a.port, hold: holds.keep(a.port), siblings: {}, exports: {} })
        return placed
      } finally {
        holds.releaseAll()
      }
    },
    sourceFor(service, range, first) {
      return {
        // Siblings and exports as they are at the spawn: a dependency may have moved since the project was placed.
        place: async () =>
          first ? { ...first, siblings: await siblingsOf(service), exports: exportsNow() } : allocate(service, range, []),
        async again(port) {
          const answer = await holds.probe(port, probeHosts(range.host))
          const hold = holds.keep(port)
          if (answer.free && hold) return { port, hold, siblings: await siblingsOf(service), exports: exportsNow() }
          return allocate(service, range, [port])
        },
        next: (taken) => allocate(service, range, taken),
        async owned(port, pid, movedFrom) {
          if (!keep) return
          ;(await openRegistry()).claim({
            port,
            project,
            service,
            host: range.host ?? null,
            owner: ownerOf(pid),
            leaseUntil: null,
            replaceDormant: false,
            movedFrom,
          })
        },
        async count(event, by = 1) {
          if (!keep) return
          try {
            ;(await openRegistry()).countEvent(event, { service }, by)
          } catch {
            // A counter that cannot be written must not stop the service it counts.
          }
        },
      }
    },
    async close() {
      holds.releaseAll()
      // The services have ended: a later exec in this process may have their ports again. Only the
      // in-process claim goes; the leases stay, so each service gets its port back.
      for (const port of handedOut) releaseClaim(port)
      await allocator?.dispose()
      if (registry) (await registry.catch(() => null))?.close()
    },
  }
}
