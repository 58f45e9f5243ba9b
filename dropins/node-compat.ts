/**
 * What the originals get from `node:net` without asking: how `server.listen()` reads a port,
 * how it resolves a host name, and the errors it throws. The drop-ins reproduce them, so a caller
 * sees the same answers and the same errors, while the bind itself stays berth's probe.
 */
import { isIPv4, isIPv6 } from '../probe/ip.ts'
import { kernelPort } from '../probe/bind.ts'

/** Node's own wording for a number or text in its argument errors: `type number (70000)`. */
function specificType(value: number | string): string {
  const shown = show(value)
  return `type ${typeof value} (${shown.length > 28 ? `${shown.slice(0, 25)}...` : shown})`
}

/** A short `util.inspect`, for the values `listen()` names in its errors. */
function show(value: unknown, depth = 0): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value))
    return value.length === 0 ? '[]' : depth > 1 ? '[Array]' : `[ ${value.map((item) => show(item, depth + 1)).join(', ')} ]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
    return entries.length === 0
      ? '{}'
      : depth > 1
        ? '[Object]'
        : `{ ${entries.map(([key, item]) => `${key}: ${show(item, depth + 1)}`).join(', ')} }`
  }
  return Object.is(value, -0) ? '-0' : String(value)
}

/**
 * `server.listen({ port, host })` reads a port like this: undefined or null is 0 (any port); a whole
 * number (or its text) from 0 to 65535; a RangeError for other numbers and text, a TypeError for
 * anything else. `host` only appears in that TypeError's message, as in Node's.
 */
export function socketPort(value: unknown, host?: string): number {
  if (value === undefined || value === null) return 0
  if (typeof value !== 'number' && typeof value !== 'string') {
    const error = new TypeError(`The argument 'options' is invalid. Received ${show({ port: value, host })}`)
    throw Object.assign(error, { code: 'ERR_INVALID_ARG_VALUE' })
  }
  const number = Number(value)
  if ((typeof value === 'string' && value.trim() === '') || number !== number >>> 0 || number > 0xffff) {
    const error = new RangeError(`options.port should be >= 0 and < 65536. Received ${specificType(value)}.`)
    throw Object.assign(error, { code: 'ERR_SOCKET_BAD_PORT' })
  }
  return number
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
