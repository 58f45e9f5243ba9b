/** The spec's functions, by their names: allocatePort, allocateMultiplePorts, getPortFromEnvOrAllocate, isPortAvailable. */
import { createAllocator, type AllocateInput, type Allocator } from './allocator.ts'
import { PortError } from '../core/errors.ts'
import { createEmitter } from '../core/events.ts'
import { formatSummary } from '../core/messages.ts'
import { checkPort, probeHosts } from '../probe/check.ts'
import type { AllocationResult, AllocatorOptions } from '../core/types.ts'
import { assertPort } from '../core/validate.ts'

/** The options that shape an allocator rather than one request. */
const ALLOCATOR_KEYS = ['plugins', 'logger', 'onEvent', 'probe', 'timeout', 'env'] as const

/**
 * The spec shows its log lines as what these functions do, so they log to the console unless
 * `logger` says otherwise (`null` silences them). `createAllocator` stays silent.
 */
export function speaking<T extends AllocatorOptions>(options: T): T {
  return options.logger === undefined ? { ...options, logger: globalThis.console } : options
}

/**
 * A call that sets none of them (but perhaps `logger: null`) gets one of two default allocators,
 * logging to the console or silent: it holds nothing between calls (claims are process-wide
 * anyway) and never starts the probe workers, since allocation batches stay small. Making and
 * disposing an allocator per call was a visible part of a call with a free preferred port (scenario 1).
 */
const sharedDefaults: { console?: Allocator; silent?: Allocator } = {}

async function withAllocator<T>(given: AllocatorOptions, run: (allocator: Allocator) => Promise<T>): Promise<T> {
  const options = speaking(given)
  const plain = ALLOCATOR_KEYS.every((key) => key === 'logger' || options[key] === undefined)
  if (plain && options.logger === null) return run((sharedDefaults.silent ??= createAllocator()))
  if (plain && options.logger === globalThis.console)
    return run((sharedDefaults.console ??= createAllocator({ logger: globalThis.console })))
  const allocator = createAllocator(options)
  try {
    return await run(allocator)
  } finally {
    await allocator.dispose()
  }
}

/** The spec's `allocatePort` options: one request, and what shapes the allocator. */
export interface AllocatePortOptions extends AllocatorOptions, AllocateInput {}

/** Allocates one port: the environment value, then `basePort`, then `basePort+1` … `maxPort`. Logs to the console unless `logger` is given (`null`: silent). */
export function allocatePort(options: AllocatePortOptions): Promise<AllocationResult> {
  return withAllocator(options, (allocator) => allocator.allocate(options))
}

/** One service in `allocateMultiplePorts`. */
export interface ServiceRequest extends Omit<AllocateInput, 'serviceName'> {
  name: string
}

/**
 * Allocates every service in order, all ports distinct, and emits the spec's summary report.
 * All or nothing: when one service cannot be placed, the ports already given to the others are released.
 */
export function allocateMultiplePorts(services: readonly ServiceRequest[], options: AllocatorOptions = {}): Promise<AllocationResult[]> {
  if (!Array.isArray(services)) {
    throw new PortError('E_INVALID_OPTIONS', `services must be an array of { name, basePort }, got ${String(services)}`)
  }
  return withAllocator(options, async (allocator) => {
    const results: AllocationResult[] = new Array(services.length)
    try {
      // Plugins may reorder (priority); results still come back in the caller's order.
      const inputs: AllocateInput[] = services.map(({ name, ...rest }) => ({ ...rest, serviceName: name }))
      for (const input of await allocator.order(inputs)) results[inputs.indexOf(input)] = await allocator.allocate(input)
    } catch (error) {
      // Put back what the plugins held before (a remembered lease stays remembered).
      for (const result of results) if (result) await allocator.rollback(result.port)
      throw error
    }
    const message = formatSummary(results)
    createEmitter(speaking(options))({ type: 'summary', level: 'info', serviceName: '*', message })
    return results
  })
}

/** The spec's `getPortFromEnvOrAllocate('PORT', 5000, 'main-server')`: a valid, free value of the variable, else a port from `basePort`. */
export async function getPortFromEnvOrAllocate(
  envVar: string,
  basePort: number,
  serviceName: string,
  options: AllocatorOptions & Omit<AllocateInput, 'basePort' | 'serviceName' | 'envVar'> = {},
): Promise<number> {
  const result = await allocatePort({ ...options, envVar, basePort, serviceName })
  return result.port
}

/**
 * True when a server could listen on `port` now. Without `host`, every loopback and wildcard
 * address must be free; with one, that address and the wildcards that overlap it.
 */
export async function isPortAvailable(port: number, host?: string, timeout?: number): Promise<boolean> {
  const result = await checkPort(assertPort(port), probeHosts(host), timeout)
  return result.free
}
