/**
 * persist(): the cross-process lease registry. A claimed port is written to SQLite under the
 * write lock, so two processes never hold the same port, and a service gets its last port again.
 */
import { PortError } from '../core/errors.ts'
import { movedLine } from '../core/messages.ts'
import type { PluginContext, PortPlugin } from '../core/types.ts'
import { resolveStateDir } from '../core/state/dir.ts'
import { ownerOf } from '../core/state/owner.ts'
import { findProjectRoot } from '../core/state/project.ts'
import { pruneAfterFromEnv } from '../core/state/prune.ts'
import { createRegistry, type Lease, type Registry } from '../core/state/registry.ts'

export interface PersistOptions {
  /** Where the registry lives. @default BERTH_STATE_DIR, else $XDG_STATE_HOME/berth, else ~/.local/state/berth */
  stateDir?: string
  /** The project root leases are recorded under. @default the nearest berth config or git root above the working directory */
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
}

const warn = (ctx: PluginContext, serviceName: string, message: string) =>
  ctx.emit({ type: 'warning', level: 'warn', serviceName, message })

const REASON_TEXT: Record<string, string> = {
  'in-use': 'in use by another process',
  permission: 'not bindable by this user',
  timeout: 'not answering (the check timed out)',
  leased: 'leased to another running service',
  claimed: 'already handed out in this process',
  excluded: 'excluded',
}

export function persist(options: PersistOptions = {}): PortPlugin {
  const { ttl, ownerPid, pruneAfter } = options
  if (ttl !== undefined && !(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    throw new PortError('E_INVALID_OPTIONS', `persist({ ttl }) must be a positive number of milliseconds, got ${String(ttl)}`)
  }
  if (ownerPid != null && !(Number.isSafeInteger(ownerPid) && ownerPid > 0)) {
    throw new PortError('E_INVALID_OPTIONS', `persist({ ownerPid }) must be a process id, got ${String(ownerPid)}`)
  }
  if (pruneAfter !== undefined && !(typeof pruneAfter === 'number' && pruneAfter > 0)) {
    throw new PortError('E_INVALID_OPTIONS', `persist({ pruneAfter }) must be a positive number of milliseconds (or Infinity), got ${String(pruneAfter)}`)
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
  /** Hooks other than setup run only after it, so the registry is open (or failed to open) by then. */
  const open = () => registry!

  return {
    name: 'persist',
    async setup(ctx) {
      users++
      project = options.project ?? (await findProjectRoot(globalThis.process?.cwd() ?? '.'))
      registry ??= resolveStateDir(options.stateDir, ctx.env).then((dir) =>
        createRegistry(dir, { pruneAfter: pruneAfter ?? pruneAfterFromEnv(ctx.env) }),
      )
      const opened = (current = await registry)
      // Tell the user once that a damaged registry was moved aside.
      for (const message of opened.warnings.splice(0)) warn(ctx, '*', message)
    },
    async preferred(req) {
      const mine = (await open()).leaseOf(project, req.serviceName)
      byPort = new Map(mine ? [[mine.port, mine]] : [])
      remembered.delete(req.serviceName)
      if (!mine || mine.port < req.basePort || mine.port > req.maxPort) return null
      remembered.set(req.serviceName, mine.port)
      return mine.port
    },
    accept(port, req) {
      const lease = leaseAt(port)
      if (!lease || (lease.project === project && lease.service === req.serviceName)) return true
      return lease.state === 'active' ? 'leased' : { defer: 'dormant' }
    },
    async claim(port, req) {
      const pid = ownerPid === undefined ? globalThis.process?.pid : ownerPid
      return (await open()).claim({
        port, project, service: req.serviceName, host: req.host ?? null,
        owner: pid == null ? null : ownerOf(pid),
        leaseUntil: ttl === undefined ? null : Date.now() + ttl,
        // A port seen dormant was deferred by accept(), so reaching it means nothing else was free.
        replaceDormant: byPort.get(port)?.state === 'dormant',
      })
    },
    allocated(result, ctx) {
      const before = remembered.get(result.serviceName)
      if (before === undefined || before === result.port) return
      const reason = result.skipped.find((s) => s.port === before)?.reason ?? 'unavailable'
      const why = REASON_TEXT[reason] ?? reason
      warn(ctx, result.serviceName, movedLine(result.serviceName, before, why, result.port))
    },
    async released(port) {
      ;(await open()).forget({ port, project })
    },
    async dispose() {
      if (--users > 0 || !registry) return
      const closing = registry
      registry = current = undefined
      // A registry that failed to open has nothing to close; setup already reported why.
      ;(await closing.catch(() => null))?.close()
    },
  }
}
