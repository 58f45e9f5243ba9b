import { isIPv4, isIPv6 } from './ip.ts'
import { BINDS_SYNCHRONOUSLY, bindOnce } from './bind.ts'
import type { CheckOptions } from '../core/engine.ts'
import { PortError } from '../core/errors.ts'
import { loadRawBinder, type RawBinder } from './raw-bind.ts'
import { DEFAULT_TIMEOUT_MS } from '../core/probing.ts'
import { withTimeout } from '../core/timeout.ts'
import type { ProbeResult, SkipReason } from '../core/types.ts'

/** Errnos that mean "no server can listen on this port here". */
const BUSY: Record<string, SkipReason> = { EADDRINUSE: 'in-use', EACCES: 'permission' }
/** Errnos that mean "this address family or address does not exist here": skip the host. */
const ABSENT = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL'])

export { DEFAULT_TIMEOUT_MS }

const DUAL_STACK_COVERS_ALL = globalThis.process?.platform === 'linux'

/**
 * The addresses to bind so that "free" means a server could really listen there.
 * On Linux a dual-stack `::` bind collides with every IPv4 and IPv6 listener on the port,
 * and `0.0.0.0` covers machines without IPv6. Other systems let a wildcard and a specific
 * address coexist, so the loopback addresses are checked one by one there.
 */
export function probeHosts(host: string | undefined, platform: string = process.platform): string[] {
  const linux = platform === 'linux'
  if (host === undefined || host === '::' || host === 'localhost') {
    return linux ? ['::', '0.0.0.0'] : ['::', '0.0.0.0', '127.0.0.1', '::1']
  }
  if (host === '0.0.0.0') return linux ? ['0.0.0.0'] : ['0.0.0.0', '127.0.0.1']
  if (isIPv4(host)) return [host, '0.0.0.0']
  if (isIPv6(host)) return linux ? [host] : [host, '::']
  throw new PortError('E_INVALID_OPTIONS', `Invalid host ${JSON.stringify(host)}: use an IP address or "localhost"`)
}

/**
 * What one address's bind answer means for the port: a final answer, or undefined to go on
 * with the next address. `present` counts the addresses that exist here.
 */
function interpret(
  port: number,
  host: string,
  code: string | null,
  seen: { present: number },
  asked: string | undefined,
): ProbeResult | undefined {
  if (code === null) {
    // On Linux a dual-stack `::` bind collides with every listener on the port, IPv4 or IPv6.
    if (host === '::' && DUAL_STACK_COVERS_ALL) return { port, free: true }
    seen.present++
    return undefined
  }
  if (code in BUSY) return { port, free: false, reason: BUSY[code]!, host, code }
  // The address the caller asked for is not on this machine: nothing can listen there, whatever the wildcard says.
  if (ABSENT.has(code)) return host === asked ? { port, free: false, reason: 'unavailable', host, code } : undefined
  throw new PortError('E_PROBE', `Checking port ${port} on ${host} failed with ${code}`)
}

const WILDCARDS = new Set(['::', '0.0.0.0'])

/**
 * The address a caller asked for by name: `probeHosts` puts it first. Wildcards and the default
 * list are not such a request, so an absent family among them is skipped.
 */
export const askedAddress = (hosts: readonly string[]): string | undefined => (WILDCARDS.has(hosts[0]!) ? undefined : hosts[0])

const lastly = (port: number, seen: { present: number }): ProbeResult =>
  seen.present > 0 ? { port, free: true } : { port, free: false, reason: 'unavailable' }

// One address at a time: binding the same port on overlapping addresses at once would collide with itself.
async function bindAll(port: number, hosts: readonly string[], track: (close: () => void) => void): Promise<ProbeResult> {
  const seen = { present: 0 }
  const asked = askedAddress(hosts)
  for (const host of hosts) {
    const answer = interpret(port, host, await bindOnce(port, host, track), seen, asked)
    if (answer) return answer
  }
  return lastly(port, seen)
}

function bindAllRaw(port: number, hosts: readonly string[], raw: RawBinder): ProbeResult {
  const seen = { present: 0 }
  const asked = askedAddress(hosts)
  for (const host of hosts) {
    const answer = interpret(port, host, raw.bind(port, host), seen, asked)
    if (answer) return answer
  }
  return lastly(port, seen)
}

// Two checks of one port that overlap in time would collide with each other and both report
// "in use", so callers in this process that ask at the same moment share one check.
const inflight = new Map<string, Promise<ProbeResult>>()

/**
 * Checks one port on every address in `hosts`, bounded by `timeoutMs`.
 * A check that does not answer in time closes what it opened and reports `timeout`.
 */
export function checkPort(port: number, hosts: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ProbeResult> {
  const ready = rawFor(hosts)
  if (ready) return checkPortsWith(ready, [port], hosts, timeoutMs).then(([result]) => result!)
  // A process that checks a second port will likely check more: get the raw binder ready.
  if (++singleChecks === 2) void loadRawBinder().then((binder) => (raw = binder))
  const key = `${port}|${hosts.join(',')}`
  let pending = inflight.get(key)
  if (!pending) {
    pending = checkPortOnce(port, hosts, timeoutMs).finally(() => inflight.delete(key))
    inflight.set(key, pending)
  }
  return pending
}

function checkPortOnce(port: number, hosts: readonly string[], timeoutMs: number): Promise<ProbeResult> {
  const opened: Array<() => void> = []
  const work = bindAll(port, hosts, (close) => opened.push(close))
  // A synchronous bind has finished before any timer could fire: racing it would only cost the timer.
  if (BINDS_SYNCHRONOUSLY) return work
  return withTimeout(work, timeoutMs, (): ProbeResult => {
    for (const close of opened) close()
    return { port, free: false, reason: 'timeout' }
  })
}

/** The raw binder once loaded, when it can bind every address of `hosts`. */
let raw: RawBinder | undefined
let singleChecks = 0

const rawFor = (hosts: readonly string[]) => (raw && hosts.every((host) => raw!.supports(host)) ? raw : undefined)

/**
 * Checks a batch of ports with `binder` (synchronously, reusing one socket for every busy port),
 * or one `checkPort` each without it. Exported for the tests that hold both binders to the matrix.
 */
export async function checkPortsWith(
  binder: RawBinder | undefined,
  ports: readonly number[],
  hosts: readonly string[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
  how: CheckOptions = {},
): Promise<ProbeResult[]> {
  if (!binder) return Promise.all(ports.map((port) => checkPort(port, hosts, timeoutMs)))
  const results: ProbeResult[] = []
  try {
    for (const port of ports) {
      const result = bindAllRaw(port, hosts, binder)
      results.push(result)
      // In order and one at a time, so the ports after the first free one need no bind at all.
      if (how.untilFree && result.free && (!how.claimNow || how.claimNow(port))) break
    }
    return results
  } finally {
    binder.release()
  }
}

/**
 * Checks a batch of ports; the answers come back in the order of `ports`. A batch of more than
 * one port waits for the raw binder to load (once), since each busy port then costs one bind(2)
 * instead of a socket of its own (README, Benchmark, scenario 2).
 */
export function checkPorts(
  ports: readonly number[],
  hosts: readonly string[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
  options: CheckOptions = {},
): Promise<ProbeResult[]> {
  if (raw || ports.length <= 1) return checkPortsWith(rawFor(hosts), ports, hosts, timeoutMs, options)
  return loadRawBinder().then((binder) => {
    raw = binder
    return checkPortsWith(rawFor(hosts), ports, hosts, timeoutMs, options)
  })
}
