/**
 * persist(): the cross-process lease registry. A claimed port is written to SQLite under the
 * write lock, so two processes never hold the same port, and a service gets its last port again.
 */
import { PortError } from '../core/errors.ts'
import { movedLine, reasonText } from '../core/messages.ts'
import type { PluginContext, PortPlugin } from '../core/types.ts'
import { resolveStateDir } from '../registry/dir.ts'
import { ownerOf } from '../registry/owner.ts'
import { findProjectRoot } from '../registry/project.ts'
import { pruneAfterFromEnv } from '../registry/prune.ts'
import { isOwnLease } from '../registry/users.ts'
import { createRegistry, type Lease, type Registry, type SavedRow } from '../registry/registry.ts'
import { ownHolderLine } from './own-holder.ts'
import { parsePortText } from '../core/validate.ts'
import { optionsOf } from '../core/plugin-options.ts'
import type { EnvPreferenceRequest } from './env.ts'
// Types only: the pool plugin's module (and its schema) loads only where the pool plugin is used.
import type { PoolRequest } from './pool.ts'
import { allocationCounts, invalidEnvCount } from '../registry/allocation-metrics.ts'
import type { Increment } from '../registry/metrics.ts'

export interface PersistOptions {
  /** Where the registry lives. @default BERTH_STATE_DIR, else BERTH_SHARED_STATE_DIR, else $XDG_STATE_HOME/berth, else ~/.local/state/berth */
  stateDir?: string
  /** The project root leases are recorded under. @default BERTH_PROJECT, else the nearest berth config or git root above the working directory */
  project?: string
  /** The process whose life keeps a lease active; `null` for a lease kept by `ttl` alone. @default process.pid */
  ownerPid?: number | null
  /** Keeps the lease active this many milliseconds even after its owner exits. */
  ttl?: number
  /**
   * Leases of any project that stayed dormant this many milliseconds are deleted by later claims;
   * `Infinity` never deletes. @default BERTH_PRUNE_AFTER, else 30 days
   */
  pruneAfter?: number
  /** A registry the caller opened and closes (the runner's, which reads it too): none is opened here. */
  registry?: Promise<Registry>
}

const warn = (ctx: PluginContext, serviceName: string, message: string) =>
  ctx.emit({ type: 'warning', level: 'warn', serviceName, message })

export function persist(options: PersistOptions = {}): PortPlugin {
  const { ttl, ownerPid, pruneAfter } = options
  if (ttl !== undefined && !(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    throw new PortError('E_INVALID_OPTIONS', `persist({ ttl }) must be a positive number of milliseconds, got ${String(ttl)}`)
  }
  if (ownerPid != null && !(Number.isSafeInteger(ownerPid) && ownerPid > 0)) {
    throw new PortError('E_INVALID_OPTIONS', `persist({ ownerPid }) must be a process id, got ${String(ownerPid)}`)
  }
  if (pruneAfter !== undefined && !(typeof pruneAfter === 'number' && pruneAfter > 0)) {
    throw new PortError(
      'E_INVALID_OPTIONS',
      `persist({ pruneAfter }) must be a positive number of milliseconds (or Infinity), got ${String(pruneAfter)}`,
    )
  }
  let registry: Promise<Registry> | undefined
  /** The open registry, once setup has awaited it: accept() reads it synchronously. */
  let current: Registry | undefined
  let users = 0
  let project = ''
  /**
   * The leases this allocation looked at, by port (null: none), each read once through the
   * primary key: only the candidates the walk reaches, never the whole registry. The claim
   * re-checks under the lock.
   */
  let byPort = new Map<number, Lease | null>()
  const leaseAt = (port: number) => {
    let lease = byPort.get(port)
    if (lease === undefined) byPort.set(port, (lease = current!.leaseAt(port) ?? null))
    return lease
  }
  /** The port each service had last time, for the warning when it moves. */
  const remembered = new Map<string, number>()
  /** Metrics noticed before the claim (an ignored environment value), written with it, by service. */
  const pendingCounts = new Map<string, Increment[]>()
  /** Services whose allocation metrics went into their claim's write. */
  const counted = new Set<string>()
  /** The pool each service asked for: a label of its allocation count (a claim reads it from its request). */
  const pools = new Map<string, string | undefined>()
  /** What each claim of this plugin replaced, as stored: a rollback puts it back. */
  const replaced = new Map<number, { service: string; rows: SavedRow[] }>()
  /**
   * Hooks other than setup run only after it, so the registry is open (or failed to open) by then.
   * A damaged registry can be found and repaired at any step: its warning goes out once, then.
   */
  const open = () => registry!
  /** This service's own lease (in a shared registry, another user's service of the same name is another service). */
  const isSelf = (lease: Lease, service: string) => lease.project === project && lease.service === service && isOwnLease(lease)
  const tell = (ctx: PluginContext, opened: Registry) => {
    for (const message of opened.warnings.splice(0)) warn(ctx, '*', message)
  }

  return {
    name: 'persist',
    async setup(ctx) {
      users++
      project = options.project ?? (await findProjectRoot(globalThis.process?.cwd() ?? '.', ctx.env))
      registry ??=
        options.registry ??
        resolveStateDir(options.stateDir, ctx.env).then((dir) =>
          createRegistry(dir, { pruneAfter: pruneAfter ?? pruneAfterFromEnv(ctx.env) }),
        )
      tell(ctx, (current = await registry))
    },
    async preferred(req, ctx) {
      const opened = await open()
      const mine = opened.leaseOf(project, req.serviceName)
      tell(ctx, opened)
      byPort = new Map(mine ? [[mine.port, mine]] : [])
      remembered.delete(req.serviceName)
      counted.delete(req.serviceName)
      // The environment preference's and the pool's options, read as any plugin may read another's.
      const envVar = optionsOf<EnvPreferenceRequest>(req, 'envPreference')?.variable
      const envValue = envVar && Object.hasOwn(ctx.env, envVar) ? ctx.env[envVar] : undefined
      pools.set(req.serviceName, optionsOf<PoolRequest>(req, 'pool')?.name)
      pendingCounts.set(
        req.serviceName,
        typeof envValue === 'string' && parsePortText(envValue) === null ? [invalidEnvCount(req.serviceName)] : [],
      )
      if (!mine || mine.port < req.basePort || mine.port > req.maxPort) return null
      remembered.set(req.serviceName, mine.port)
      // A live owner's process may be the one listening there: then it is still this service's port.
      // Asked only when the port is found in use: the lease's owner is looked up then.
      const owner = mine.ownerPid
      const inUseByOwn =
        owner === null ? undefined : async (port: number) => (mine.state === 'active' ? ownHolderLine(req.serviceName, port, owner) : null)
      return { port: mine.port, remembered: true, inUseByOwn }
    },
    accept(port, req) {
      const lease = leaseAt(port)
      if (!lease || isSelf(lease, req.serviceName)) return true
      return lease.state === 'active' ? 'leased' : { defer: 'dormant' }
    },
    async claim(port, req, ctx, result) {
      const pid = ownerPid === undefined ? globalThis.process?.pid : ownerPid
      const opened = await open()
      const pool = optionsOf<PoolRequest>(req, 'pool')?.name
      // The allocation's metrics go into the lease's own write: one write transaction per allocation.
      const counts = [...(pendingCounts.get(req.serviceName) ?? []), ...(result ? allocationCounts(result, pool) : [])]
      const rows: SavedRow[] = []
      const won = opened.claim({
        port,
        project,
        service: req.serviceName,
        host: req.host ?? null,
        owner: pid == null ? null : ownerOf(pid),
        leaseUntil: ttl === undefined ? null : Date.now() + ttl,
        // A port seen dormant was deferred by accept(), so reaching it means nothing else was free.
        replaceDormant: byPort.get(port)?.state === 'dormant',
        counts,
        replaced: rows,
      })
      if (won) {
        replaced.set(port, { service: req.serviceName, rows })
        pendingCounts.delete(req.serviceName)
        if (result) counted.add(req.serviceName)
      }
      tell(ctx, opened)
      return won
    },
    async allocated(result, ctx) {
      const opened = await open()
      // Counted in the claim's own write when there was one (a port answered as the service's own is not claimed).
      if (!counted.delete(result.serviceName))
        opened.count([...(pendingCounts.get(result.serviceName) ?? []), ...allocationCounts(result, pools.get(result.serviceName))])
      pendingCounts.delete(result.serviceName)
      tell(ctx, opened)
      const before = remembered.get(result.serviceName)
      if (before === undefined || before === result.port) return
      const reason = result.skipped.find((s) => s.port === before)?.reason ?? 'unavailable'
      const why = reasonText(reason)
      warn(ctx, result.serviceName, movedLine(result.serviceName, before, why, result.port))
    },
    async released(port, ctx) {
      replaced.delete(port)
      const opened = await open()
      opened.forget({ port, project })
      tell(ctx, opened)
    },
    async rollback(port) {
      const claim = replaced.get(port)
      if (!claim) return
      replaced.delete(port)
      ;(await open()).restore(port, project, claim.service, claim.rows)
    },
    async dispose() {
      if (--users > 0 || !registry) return
      // The caller's registry stays open: the caller closes it.
      if (options.registry) return void (registry = current = undefined)
      const closing = registry
      registry = current = undefined
      // A registry that failed to open has nothing to close; setup already reported why.
      ;(await closing.catch(() => null))?.close()
    },
  }
}
