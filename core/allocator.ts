import { candidateStream, inBatches, portRange } from './candidates.ts'
import { isClaimed, releaseClaim, tryClaim } from './claims.ts'
import { createDriver } from './driver.ts'
import { createMainThreadEngine, type ProbeEngine } from './engine.ts'
import { PortError } from './errors.ts'
import { createEmitter } from './events.ts'
import { exhaustedMessage, fallbackLine, preferredLine, startLine } from './messages.ts'
import { DEFAULT_TIMEOUT_MS, checkPort } from './probe.ts'
import { envPreference } from '../plugins/env.ts'
import type {
  AllocatePortOptions,
  AllocationRequest,
  AllocationResult,
  AllocatorOptions,
  PluginContext,
  Probe,
  ProbeResult,
  SkippedCandidate,
} from './types.ts'
import { withTimeout } from './timeout.ts'
import { resolveRequest } from './validate.ts'

/** What `allocate` takes: the spec's `allocatePort` options without the allocator-wide ones. */
export type AllocateInput = Pick<AllocatePortOptions, 'basePort' | 'maxPort' | 'serviceName' | 'exclude' | 'host' | 'envVar'>

export interface Allocator {
  /** Finds, claims and returns the first free candidate, in candidate order. */
  allocate(input: AllocateInput): Promise<AllocationResult>
  /** Gives a port back to this process and tells the plugins. */
  release(port: number): Promise<void>
  /** Runs every plugin's `dispose`. Claims stay: a port handed out is held until released. */
  dispose(): Promise<void>
}

function resolveTimeout(timeout: unknown): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS
  if (typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0) return timeout
  throw new PortError('E_INVALID_OPTIONS', `timeout must be a positive number of milliseconds, got ${String(timeout)}`)
}

/** An injected probe gets the same 1-second bound as the built-in one: a hang costs one port, not the call. */
function bounded(probe: Probe, timeout: number): Probe {
  return (port, hosts) => withTimeout(probe(port, hosts), timeout, (): ProbeResult => ({ port, free: false, reason: 'timeout' }))
}

export function createAllocator(options: AllocatorOptions = {}, engine?: ProbeEngine): Allocator {
  const timeout = resolveTimeout(options.timeout)
  const probe = options.probe ? bounded(options.probe, timeout) : (port: number, hosts: readonly string[]) => checkPort(port, hosts, timeout)
  const lane = engine ?? createMainThreadEngine(probe)
  const emit = createEmitter(options)
  const ctx: PluginContext = { emit, probe, env: options.env ?? globalThis.process?.env ?? {} }
  const plugins = options.plugins ?? []
  // The environment preference is built in, so `envVar` works without naming the plugin.
  const hasEnv = plugins.some((p) => p && p.name === 'envPreference')
  const driver = createDriver(hasEnv ? plugins : [envPreference(), ...plugins], ctx)

  /** Filters that need no socket, cheapest first; null means "probe it". */
  async function skipReason(port: number, req: AllocationRequest) {
    if (req.exclude.has(port)) return 'excluded'
    if (isClaimed(port)) return 'claimed'
    return driver.rejects(port, req)
  }

  /** The in-process claim first (synchronous, so no await splits check from add), then the plugins'. */
  async function claim(port: number, req: AllocationRequest): Promise<boolean> {
    if (!tryClaim(port)) return false
    try {
      if (await driver.claim(port, req)) return true
    } catch (error) {
      releaseClaim(port)
      throw error
    }
    releaseClaim(port)
    return false
  }

  async function allocate(input: AllocateInput): Promise<AllocationResult> {
    const req = resolveRequest(input)
    const { serviceName, basePort, maxPort } = req
    await driver.setup()
    emit({ type: 'start', level: 'info', serviceName, message: startLine(serviceName, basePort, maxPort) })
    const preferred = [...(await driver.preferred(req)), basePort]
    const source = (await driver.candidates(req)) ?? portRange(basePort, maxPort)
    const skipped: SkippedCandidate[] = []
    let attempts = 0
    for await (const batch of inBatches(candidateStream(preferred, source))) {
      const verdicts = new Map<number, SkippedCandidate>()
      const toProbe: number[] = []
      for (const port of batch) {
        const reason = await skipReason(port, req)
        if (reason) verdicts.set(port, { port, reason })
        else toProbe.push(port)
      }
      for (const r of await lane.check(toProbe, req.hosts)) {
        if (!r.free) verdicts.set(r.port, { port: r.port, reason: r.reason ?? 'in-use', ...(r.host ? { host: r.host } : {}) })
      }
      // The answer is the first free port in candidate order, whichever probe finished first.
      for (const port of batch) {
        attempts++
        const verdict = verdicts.get(port) ?? (await claim(port, req) ? undefined : { port, reason: 'claimed' })
        if (verdict) {
          skipped.push(verdict)
          continue
        }
        const preferredPort = preferred[0]!
        const result: AllocationResult = {
          port, serviceName, preferredPort, usedPreferred: port === preferredPort, attempts, host: req.host, skipped,
        }
        const type = result.usedPreferred ? 'preferred' : 'fallback'
        const message = result.usedPreferred ? preferredLine(result) : fallbackLine(result)
        emit({ type, level: result.usedPreferred ? 'info' : 'warn', serviceName, message, result })
        await driver.allocated(result)
        return result
      }
    }
    const message = exhaustedMessage(serviceName, basePort, maxPort, attempts)
    emit({ type: 'exhausted', level: 'error', serviceName, message })
    throw new PortError('E_NO_PORT', message)
  }

  return {
    allocate,
    async release(port) {
      releaseClaim(port)
      await driver.released(port)
    },
    dispose: () => driver.dispose(),
  }
}
