import { candidateBatches, portRange } from './candidates.ts'
import { isClaimed, releaseClaim, tryClaim } from './claims.ts'
import { createHookRunner } from './hooks.ts'
import { pluginList } from './plugin-list.ts'
import type { BatchProbe, ProbeEngine } from './engine.ts'
import { PortError } from './errors.ts'
import { createEmitter } from './events.ts'
import { exhaustedMessage, outcomeLine, startLine, strictMessage } from './messages.ts'
import type { Probing } from './probing.ts'
import type { AllocationRequest, AllocationResult, AllocatorOptions, PluginContext, PortPlugin, RequestInput, SkipReason } from './types.ts'
import { resultOf } from './result.ts'
import { bounded, resolveTimeout } from './probe-timeout.ts'
import { resolveRequest } from './validate.ts'
import { createWalk, type Progress } from './walk.ts'

/** What `allocate` takes: the spec's `allocatePort` options without the allocator-wide ones. */
export type AllocateInput = RequestInput

export interface Allocator {
  /** The plugins in force, in order (the given ones, and the defaults none of them replaced). */
  readonly plugins: readonly PortPlugin[]
  /** Finds, claims and returns the first free candidate, in candidate order. */
  allocate(input: AllocateInput): Promise<AllocationResult>
  /** Gives a port back to this process and tells the plugins. */
  release(port: number): Promise<void>
  /**
   * Undoes claims of a batch that failed (all or nothing): the plugins put back what was there
   * before (`rollback` hook). Without a port: every claim this allocator made and did not
   * release, and no claim is made after it (an interrupted `berth up`).
   */
  rollback(port?: number): Promise<void>
  /** The port the plugins remember for this request (`PreferredCandidate.remembered`), without allocating. */
  remembered(input: AllocateInput): Promise<number | null>
  /**
   * The order in which services allocated together should go: the first plugin `order` hook that
   * answers, else as given. Every input is validated first, so a bad one fails before any port is claimed.
   */
  order<T extends AllocateInput>(inputs: readonly T[]): Promise<T[]>
  /** Runs every plugin's `dispose`. Claims stay: a port handed out is held until released. */
  dispose(): Promise<void>
}

/**
 * The allocator over `probing` (the sockets, given by the layer that builds it: see
 * spec/allocator.ts for the one the package exports). `engine` replaces the engine `probing`
 * would make; the caller then owns it.
 */
export function createAllocatorWith(
  probing: Probing,
  options: AllocatorOptions = {},
  engine?: ProbeEngine,
  defaults: readonly PortPlugin[] = [],
): Allocator {
  const timeout = resolveTimeout(options.timeout)
  const probe = options.probe
    ? bounded(options.probe, timeout)
    : (port: number, hosts: readonly string[]) => probing.checkPort(port, hosts, timeout)
  // Allocation batches stay far below the worker threshold, so workers start only for big batches.
  const batch: BatchProbe | undefined = options.probe ? undefined : (ports, hosts, how) => probing.checkPorts(ports, hosts, timeout, how)
  const probes = engine ?? probing.createEngine({ probe, batch, timeout })
  const emit = createEmitter(options)
  const ctx: PluginContext = { emit, probe, env: options.env ?? globalThis.process?.env ?? {} }
  const plugins = pluginList(options.plugins ?? [], defaults)
  const hooks = createHookRunner(plugins, ctx)
  const resolve = (input: AllocateInput) => resolveRequest(input, probing.hostsFor, plugins)

  /** Filters that need no socket, cheapest first; null means "probe it". Synchronous unless an `accept` hook is not. */
  function skipReason(port: number, req: AllocationRequest, retryingDeferred: boolean) {
    if (req.exclude.has(port)) return 'excluded'
    if (isClaimed(port)) return 'claimed'
    return hooks.whyNotAccepted(port, req, retryingDeferred)
  }

  /** Ports this allocator claimed through its plugins and has not released: what `rollback()` undoes. */
  const claimed = new Set<number>()
  /** Set by `rollback()`: an allocation still in flight must not claim after it. */
  let frozen = false

  /**
   * The in-process claim first (synchronous, so no await splits check from add), then the
   * plugins'. `claimedNow`: the engine already made the in-process claim (`claimNow`). Null when claimed;
   * `claimed` when this process has it already, `raced` when a plugin says another process won.
   */
  async function claim(port: number, progress: Progress, claimedNow = false): Promise<SkipReason | null> {
    const { req } = progress
    if (!claimedNow && !tryClaim(port)) return 'claimed'
    try {
      if (frozen) throw new PortError('E_ABORTED', `[${req.serviceName}] Allocation was rolled back: port ${port} is not claimed`)
      if (await hooks.claim(port, req, resultOf(port, progress))) {
        if (!frozen) {
          claimed.add(port)
          return null
        }
        // Rolled back while this claim was being made: undo it at once.
        await hooks.rollback(port)
        throw new PortError('E_ABORTED', `[${req.serviceName}] Allocation was rolled back: port ${port} is not claimed`)
      }
    } catch (error) {
      releaseClaim(port)
      throw error
    }
    releaseClaim(port)
    return 'raced'
  }

  const { tryFirst, firstFree } = createWalk({ engine: probes, skipReason, claim })

  async function allocate(input: AllocateInput): Promise<AllocationResult> {
    const req = resolve(input)
    const { serviceName, basePort, maxPort } = req
    await hooks.setup()
    emit({ type: 'start', level: 'info', serviceName, message: startLine(serviceName, basePort, maxPort) })
    const wished = await hooks.preferred(req)
    // The candidate rule (documented on PortPlugin): the preferred ports, then the strategy's
    // candidates, else the default range, which alone starts at basePort. Strict: the preferred
    // ports and basePort, nothing else.
    const strategy = req.strict ? null : await hooks.candidates(req)
    const preferred = wished.map((w) => w.port)
    if (req.strict || !strategy) preferred.push(basePort)
    const source = req.strict ? [] : (strategy ?? portRange(basePort, maxPort))
    // The user's preference is the first one that is not merely remembered.
    const preferredPort = wished.find((w) => !w.remembered)?.port ?? basePort
    const rememberedPort = wished.find((w) => w.remembered)?.port
    const vouchers = new Map(wished.filter((w) => w.inUseByOwn).map((w) => [w.port, w.inUseByOwn!]))
    const progress: Progress = { req, skipped: [], attempts: 0, deferred: [], vouchers, probeSeconds: [], preferredPort, rememberedPort }
    // The common case, a first candidate known before the strategy is read, goes the short way.
    const first = preferred[0]
    const port =
      (first !== undefined ? await tryFirst(first, progress) : null) ??
      (await firstFree(candidateBatches(preferred, source, first === undefined ? [] : [first]), progress, false)) ??
      (progress.deferred.length > 0 ? await firstFree(candidateBatches([], progress.deferred), progress, true) : null)
    if (port === null) {
      const message = req.strict
        ? strictMessage(serviceName, first!, progress.skipped[0]?.reason ?? 'unavailable', await probing.findHolder(first!))
        : exhaustedMessage(serviceName, basePort, maxPort, progress.attempts)
      emit({ type: 'exhausted', level: 'error', serviceName, message })
      throw new PortError('E_NO_PORT', message, { skipped: progress.skipped, probeSeconds: progress.probeSeconds })
    }
    const result = resultOf(port, progress)
    const { outcome } = result
    const message = progress.own ?? outcomeLine(result)
    emit({ type: outcome, level: outcome === 'fallback' ? 'warn' : 'info', serviceName, message, result })
    await hooks.allocated(result)
    return result
  }

  async function rollback(port?: number): Promise<void> {
    if (port === undefined) frozen = true
    for (const p of port === undefined ? [...claimed] : [port]) {
      releaseClaim(p)
      if (!claimed.delete(p)) continue
      await hooks.rollback(p)
    }
  }

  return {
    plugins,
    allocate,
    async order(inputs) {
      const requests = inputs.map(resolve)
      await hooks.setup()
      const ordered = await hooks.order(requests)
      return ordered.map((req) => inputs[requests.indexOf(req)]!)
    },
    async release(port) {
      releaseClaim(port)
      claimed.delete(port)
      await hooks.released(port)
    },
    rollback,
    async remembered(input) {
      const req = resolve(input)
      await hooks.setup()
      return (await hooks.preferred(req)).find((w) => w.remembered)?.port ?? null
    },
    async dispose() {
      try {
        await hooks.dispose()
      } finally {
        // Only the engine this allocator made is its to destroy.
        if (!engine) await probes.destroy?.()
      }
    },
  }
}
