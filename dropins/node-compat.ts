/**
 * What the originals get from `node:net` without asking: how `server.listen()` reads a port,
 * how it resolves a host name, and the errors it throws. The drop-ins reproduce them, so a caller
 * sees the same answers and the same errors, while the bind itself stays berth's probe.
 */
import { isIPv4, isIPv6 } from '../core/ip.ts'
import { kernelPort } from '../core/bind.ts'

/** Node's own wording for a value (`type number (70000)`), as in its argument errors. */
function specificType(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'function'
  if (typeof value === 'object') return value.constructor?.name ? `an instance of ${value.constructor.name}` : 'object'
  const shown = typeof value === 'string' ? `'${value}'` : Object.is(value, -0) ? '-0' : typeof value === 'bigint' ? `${value}n` : String(value)
  return `type ${typeof value} (${shown.length > 28 ? `${shown.slice(0, 25)}...` : shown})`
}

/** `server.listen({ port })` reads a port like this: a whole number (or its text) from 0 to 65535, else a RangeError. */
export function socketPort(value: unknown): number {
  const text = typeof value === 'string' ? value.trim() : undefined
  const number = Number(value)
  if ((typeof value !== 'number' && text === undefined) || text === '' || number !== number >>> 0 || number > 0xffff) {
    const error = new RangeError(`options.port should be >= 0 and < 65536. Received ${specificType(value)}.`)
    throw Object.assign(error, { code: 'ERR_SOCKET_BAD_PORT' })
  }
  return number
}

/** True when `value` is a port `server.listen()` accepts. */
export function isSocketPort(value: unknown): boolean {
  try {
    socketPort(value)
    return true
  } catch {
    return false
  }
}

/** The error `server.listen()` emits for an address this machine does not have. */
export function addressNotAvailable(host: string, port: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`listen EADDRNOTAVAIL: address not available ${host}:${port}`)
  return Object.assign(error, { code: 'EADDRNOTAVAIL', errno: -99, syscall: 'listen', address: host, port })
}

const isLiteral = (host: string) => host === 'localhost' || isIPv4(host) || isIPv6(host)

/**
 * The address `server.listen(port, host)` would bind: an IP literal (or `localhost`, which berth
 * checks on both loopbacks) as it is, any other name through the system resolver, as Node does.
 * Rejects with the resolver's own error (`getaddrinfo ENOTFOUND …`).
 */
export async function resolveHost(host: string): Promise<string> {
  if (isLiteral(host)) return host
  const { lookup } = await import('node:dns')
  return new Promise((resolve, reject) => lookup(host, (error, address) => (error ? reject(error) : resolve(address))))
}

const WILDCARDS_AND_LOOPBACK = new Set(['0.0.0.0', '::', '127.0.0.1', 'localhost'])

/**
 * Whether `host` is an address of this machine; a bind elsewhere fails locally with
 * EADDRNOTAVAIL and sends nothing anywhere.
 */
export async function isLocalAddress(host: string): Promise<boolean> {
  if (WILDCARDS_AND_LOOPBACK.has(host)) return true
  try {
    await kernelPort(host)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRNOTAVAIL' || code === 'EINVAL' || code === 'EAFNOSUPPORT') return false
    throw error
  }
}
