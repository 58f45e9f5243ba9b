/**
 * `berth-ports/portfinder`: portfinder 1.0's API (callbacks and promises, `basePort` / `highestPort`
 * and their setters, `getPorts`, `nextPort`, `getSocket`) on berth's probe and claim, following
 * portfinder's source: options read with `Number()` and written back to the caller's object,
 * its checks answered at once (the callback is called before `getPort` returns), `basePort`,
 * `highestPort`, `nextPort` and `nextSocket` read from the exported object on every call, so
 * assigning them works; `require('berth-ports/portfinder')` returns that object. A claim lasts until
 * the answer is delivered (portfinder has no release), so overlapping calls get different ports.
 */
import { isLocalAddress, resolveHost, socketPort } from './node-compat.ts'
import { findSocket, nextSocket } from './portfinder-socket.ts'
import { openAnswer } from './answers.ts'
import { isFree, setPersistence, takeIfFree } from './shared.ts'
import { readFirst, takeRest } from './walk.ts'

export interface PortFinderOptions {
  host?: string
  startPort?: number
  port?: number
  stopPort?: number
}
export interface SocketFinderOptions {
  mod?: number
  path?: string
}
export type PortfinderCallback = (err: Error | null, port?: number) => void
type Callback<T> = (err: Error | null, value?: T) => void
/** portfinder writes these back to the caller's options object. */
interface Search {
  port: number
  host: string | null
  startPort: number
  stopPort: number
}

const PKG = 'portfinder'

/** portfinder's checks, made before any port is tried: an Error to answer at once, or the search. */
function prepare(options: Record<string, unknown>): Error | Search {
  options.port = Number(options.port) || Number(options.startPort) || Number(portfinder.basePort)
  options.host = options.host || null
  options.stopPort = Number(options.stopPort) || Number(portfinder.highestPort)
  if (!options.startPort) {
    options.startPort = options.port
    if ((options.startPort as number) < 0) return Error(`Provided options.port(${options.port}) is less than 0, which are cannot be bound.`)
    if ((options.stopPort as number) < (options.startPort as number)) {
      return Error(`Provided options.stopPort(${options.stopPort}) is less than options.port(${options.startPort})`)
    }
  }
  // listen() refuses a port it cannot read before anything else happens: portfinder throws that at once.
  socketPort(options.port)
  return options as unknown as Search
}

/** The user's host, resolved as `listen()` does; portfinder's own error when it cannot be bound here. */
async function userHost(host: string | null): Promise<string | undefined> {
  if (!host) return undefined
  const address = await resolveHost(host)
  if (!(await isLocalAddress(address)))
    throw Error(`Provided host ${host} could NOT be bound. Please provide a different host address or hostname`)
  return address
}

/**
 * The ports portfinder tries from `port` up to `stopPort`, by `nextPort`; `end.beyond` is the
 * first one past `stopPort`, left unset when the walk passed `highestPort` first.
 */
function* upTo(port: number, stopPort: number, end: { beyond?: number }): Generator<number> {
  let candidate = port
  while (candidate <= stopPort) {
    yield candidate
    candidate = portfinder.nextPort(candidate)
    if (candidate > portfinder.highestPort) return
  }
  end.beyond = candidate
}

/** Hosts that a check of every address covers (on Linux a dual-stack bind covers any address). */
const COVERED = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'])

/** The search; `close` ends the call's claims as it returns, before the caller's continuation runs. */
async function search({ port, host, startPort, stopPort }: Search, close: () => void): Promise<number> {
  try {
    const where = host ? await userHost(host) : undefined
    // portfinder checks every address, and the user's host besides.
    const alsoOnHost = where !== undefined && !COVERED.has(where) && globalThis.process?.platform !== 'linux'
    const end: { beyond?: number } = {}
    if (alsoOnHost) {
      for (const candidate of upTo(port, stopPort, end)) {
        if ((await isFree(socketPort(candidate), where)) && (await takeIfFree(PKG, candidate, undefined, 'answer'))) return candidate
      }
    } else {
      const candidates = upTo(port, stopPort, end)
      const first = readFirst(candidates, socketPort)
      const found =
        !first || (await takeIfFree(PKG, first, undefined, 'answer'))
          ? first
          : await takeRest(PKG, candidates, socketPort, undefined, 'answer')
      if (found) return found
    }
    // portfinder walks on to highestPort before it compares with stopPort: past stopPort, a free port
    // means "none in between", running out means "none available". Ports past stopPort are not claimed.
    for (let candidate = end.beyond; candidate !== undefined; ) {
      if ((await isFree(socketPort(candidate))) && (!alsoOnHost || (await isFree(candidate, where)))) {
        throw Error(`No open ports found in between ${startPort} and ${stopPort}`)
      }
      candidate = portfinder.nextPort(candidate)
      if (candidate > portfinder.highestPort) break
    }
    throw Error('No open ports available')
  } finally {
    close()
  }
}

/** portfinder's `internals.getPort`: its checks answer at once (an Error; a port listen() refuses throws), the search later. */
function startSearch(options: Record<string, unknown>): Error | Promise<number> {
  const close = openAnswer()
  let prepared: Error | Search
  try {
    prepared = prepare(options)
  } catch (error) {
    close()
    throw error
  }
  if (prepared instanceof Error) {
    close()
    return prepared
  }
  return search(prepared, close)
}

/** portfinder's two forms: with a callback, called at once for a failed check; else a promise. */
function forms<T>(
  start: (options: Record<string, unknown>) => Error | Promise<T>,
  options: unknown,
  callback?: Callback<T>,
): Promise<T> | void {
  if (typeof options === 'function') {
    callback = options as Callback<T>
    options = {}
  }
  const given = (options || {}) as Record<string, unknown>
  if (!callback) {
    try {
      const started = start(given)
      return started instanceof Error ? Promise.reject(started) : started
    } catch (error) {
      return Promise.reject(error)
    }
  }
  const done = callback
  const started = start(given)
  if (started instanceof Error) return done(started)
  started.then(
    (value) => done(null, value),
    (error: Error) => done(error),
  )
}

function getPort(options?: PortFinderOptions): Promise<number>
function getPort(callback: PortfinderCallback): void
function getPort(options: PortFinderOptions, callback: PortfinderCallback): void
function getPort(options?: PortFinderOptions | PortfinderCallback, callback?: PortfinderCallback): Promise<number> | void {
  return forms(startSearch, options, callback)
}

/** portfinder's `internals.getPorts`: one port after another, each search from the port after the last. */
function startPorts(count: number, options: Record<string, unknown>): Error | Promise<number[]> {
  // One open call for all of them: a caller that overlaps gets none of these ports.
  const close = openAnswer()
  const ports: number[] = []
  const step = (): Error | Promise<number[]> => {
    if (ports.length >= count) return Promise.resolve(ports)
    if (ports.length > 0) options.port = portfinder.nextPort(ports.at(-1)!)
    const started = startSearch(options)
    if (started instanceof Error) return started
    return started.then((port) => {
      ports.push(port)
      const next = step()
      return next instanceof Error ? Promise.reject(next) : next
    })
  }
  let first: Error | Promise<number[]>
  try {
    first = step()
  } catch (error) {
    close()
    throw error
  }
  if (first instanceof Error) {
    close()
    return first
  }
  return first.then(
    (ports) => {
      close()
      return ports
    },
    (error: unknown) => {
      close()
      throw error
    },
  )
}

function getPorts(count: number, options?: PortFinderOptions): Promise<number[]>
function getPorts(count: number, callback: Callback<number[]>): void
function getPorts(count: number, options: PortFinderOptions, callback: Callback<number[]>): void
function getPorts(
  count: number,
  options?: PortFinderOptions | Callback<number[]>,
  callback?: Callback<number[]>,
): Promise<number[]> | void {
  return forms((given) => startPorts(count, given), options, callback)
}

function getSocket(options?: SocketFinderOptions): Promise<string>
function getSocket(callback: Callback<string>): void
function getSocket(options: SocketFinderOptions, callback: Callback<string>): void
function getSocket(options?: SocketFinderOptions | Callback<string>, callback?: Callback<string>): Promise<string> | void {
  const find = (given: Record<string, unknown>) =>
    new Promise<string>((resolve, reject) => findSocket(given, portfinder, (error, path) => (error ? reject(error) : resolve(path!))))
  return forms(find, options, callback)
}

const portfinder = {
  basePort: 8000,
  highestPort: 65535,
  basePath: '/tmp/portfinder',
  setBasePort(port: number) {
    portfinder.basePort = port
  },
  setHighestPort(port: number) {
    portfinder.highestPort = port
  },
  setBasePath(path: string) {
    portfinder.basePath = path
  },
  nextPort: (port: number) => port + 1,
  nextSocket,
  getPort,
  getPortPromise: getPort as (options?: PortFinderOptions) => Promise<number>,
  getPorts,
  getPortsPromise: getPorts as (count: number, options?: PortFinderOptions) => Promise<number[]>,
  getSocket,
  getSocketPromise: getSocket as (options?: SocketFinderOptions) => Promise<string>,
  setPersistence,
}

export const { setBasePort, setHighestPort, setBasePath, getPortPromise, getPortsPromise, getSocketPromise } = portfinder
export { getPort, getPorts, getSocket, setPersistence }
export const nextPort = (port: number) => portfinder.nextPort(port)
export default portfinder
