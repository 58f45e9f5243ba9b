/**
 * `berth-ports/get-port`: get-port 7's API and behaviour, read from its source: the preferred ports in
 * order (a falsy `port` is none, 0 is a random port there and then), then a random port; ports
 * locked 15-30 s, or for the process with `reserve`; a port `listen()` refuses is its error, a
 * `host` is resolved as `listen()` does and its errors are get-port's. On berth's probe, so a port
 * held on the other address family is never called free.
 */
import { addressNotAvailable, isLocalAddress, resolveHost, socketPort } from './node-compat.ts'
import { release, takeIfFree, takeRandom } from './shared.ts'
import { readFirst, takeRest } from './walk.ts'

export { setPersistence } from './shared.ts'

export interface Options {
  /** A preferred port or an iterable of preferred ports; a random port when none is free. */
  readonly port?: number | Iterable<number>
  /** Ports that should not be returned. */
  readonly exclude?: Iterable<number>
  /** Lock the port for the lifetime of the process instead of 15-30 seconds. */
  readonly reserve?: boolean
  /** Check only this host (and the wildcard that overlaps it); by default every address. */
  readonly host?: string
  readonly ipv6Only?: boolean
}

const MIN_PORT = 1024
const MAX_PORT = 65_535
/** As in get-port: every 15 s the old locks go, the young ones become old. */
const ROTATE_MS = 15_000

let young = new Set<number>()
let old = new Set<number>()
const reserved = new Set<number>()
let rotation: ReturnType<typeof setTimeout> | undefined

function rotate(): void {
  rotation = undefined
  for (const port of old) if (!young.has(port) && !reserved.has(port)) release(port)
  old = young
  young = new Set()
}

const isLocked = (port: number) => young.has(port) || old.has(port) || reserved.has(port)

function excludeSet(exclude: unknown): Set<number> {
  // As in get-port: a falsy `exclude` (0, null, '') is no exclusion at all.
  if (!exclude) return new Set()
  if (typeof (exclude as Iterable<unknown>)[Symbol.iterator] !== 'function')
    throw new TypeError('The `exclude` option must be an iterable.')
  for (const element of exclude as Iterable<unknown>) {
    if (typeof element !== 'number') {
      throw new TypeError('Each item in the `exclude` option must be a number corresponding to the port you want excluded.')
    }
    if (!Number.isSafeInteger(element))
      throw new TypeError(`Number ${element} in the exclude option is not a safe integer and can't be used`)
  }
  return new Set(exclude as Iterable<number>)
}

/** get-port's order: the preferred ports as given (a falsy `port` is none), then 0 for a random port. */
function* candidates(port: Options['port'] | null): Generator<unknown> {
  if (port) yield* typeof port === 'number' ? [port] : port
  yield 0
}

/** `first`, then what is left of `rest`, pulled one at a time. */
function* chain(first: unknown[], rest: Iterator<unknown>): Generator<unknown> {
  yield* first
  for (let next = rest.next(); !next.done; next = rest.next()) yield next.value
}

/**
 * The address a `host` option binds, resolved as `listen()` would. The resolver's error, or
 * EADDRNOTAVAIL for an address this machine does not have, is get-port's answer (it throws them).
 */
async function bindableHost(host: string, port: number): Promise<string> {
  const address = await resolveHost(host)
  if (!(await isLocalAddress(address))) throw addressNotAvailable(address, port)
  return address
}

/** Get an available TCP port number: the first free preferred port, else a random one. */
export default async function getPort(options?: Options): Promise<number> {
  const exclude = excludeSet(options?.exclude)
  if (rotation === undefined) {
    rotation = setTimeout(rotate, ROTATE_MS)
    rotation.unref?.()
  }
  // A port `listen()` refuses is its error, as with get-port; 0 (given or the fallback) is a random port.
  // Without a host, get-port answers a port as it was given (text stays text).
  let given: Map<number, unknown> | undefined
  const read = (candidate: unknown) => {
    if (exclude.has(candidate as number)) return undefined
    const port = socketPort(candidate, options?.host)
    if (port !== 0 && isLocked(port)) return undefined
    if (typeof candidate !== 'number' && !given?.has(port)) (given ??= new Map()).set(port, candidate)
    return port
  }
  const rest = candidates(options?.port)
  const first: unknown[] = []
  let host: string | undefined
  // get-port's listen() reads the first port it tries, then resolves the host: errors come in that order.
  for (let next = options?.host ? rest.next() : { done: true as const, value: undefined }; !next.done; next = rest.next()) {
    if (exclude.has(next.value as number)) continue
    host = await bindableHost(options!.host!, socketPort(next.value, options!.host))
    first.push(next.value)
    break
  }
  const sequence = first.length > 0 ? chain(first, rest) : rest
  const firstPort = readFirst(sequence, read)
  const found =
    !firstPort || (await takeIfFree('get-port', firstPort, host)) ? firstPort : await takeRest('get-port', sequence, read, host, 'locked')
  if (found === undefined) throw new Error('No available ports found')
  // get-port binds `undefined`, `null` or "0" as any port and answers them as given; only the number 0 means a random port.
  if (found === 0 && !options?.host && given?.has(0)) return given.get(0) as number
  const port = found !== 0 ? found : await takeRandom('get-port', host, (p) => exclude.has(p) || isLocked(p))
  ;(options?.reserve ? reserved : young).add(port)
  return found !== 0 && !options?.host && given?.has(port) ? (given.get(port) as number) : port
}

/** Port numbers `from`...`to`, both in 1024...65535. */
export function portNumbers(from: number, to: number): Iterable<number> {
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new TypeError('`from` and `to` must be integer numbers')
  if (from < MIN_PORT || from > MAX_PORT) throw new RangeError(`'from' must be between ${MIN_PORT} and ${MAX_PORT}`)
  if (to < MIN_PORT || to > MAX_PORT) throw new RangeError(`'to' must be between ${MIN_PORT} and ${MAX_PORT}`)
  if (from > to) throw new RangeError('`to` must be greater than or equal to `from`')
  return (function* () {
    for (let port = from; port <= to; port++) yield port
  })()
}

/** Unlocks every port get-port handed out, reserved ones included. */
export function clearLockedPorts(): void {
  for (const port of [...young, ...old, ...reserved]) release(port)
  young.clear()
  old.clear()
  reserved.clear()
}
