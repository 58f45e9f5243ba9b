/**
 * `berth/portfinder`: portfinder 1.0's API (callbacks and promises, `basePort` / `highestPort`
 * and their setters, `getPorts`, `nextPort`, `getSocket`) on berth's probe and claim, following
 * portfinder's source: options read with `Number()` and written back to the caller's object,
 * its checks answered at once (the callback is called before `getPort` returns), `basePort`,
 * `highestPort`, `nextPort` and `nextSocket` read from the exported object on every call, so
 * assigning them works; `require('berth/portfinder')` returns that object. A claim lasts until
 * the answer is delivered (portfinder has no release), so overlapping calls get different ports.
 */
import { mkdir, stat } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { isLocalAddress, resolveHost, socketPort } from './node-compat.ts'
import { isFree, openAnswer, setPersistence, takeIfFree } from './shared.ts'

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
  if (!(await isLocalAddress(address))) throw Error(`Provided host ${host} could NOT be bound. Please provide a different host address or hostname`)
  return address
}

async function search({ port, host, startPort, stopPort }: Search): Promise<number> {
  const where = await userHost(host)
  const free = async (candidate: number, take: boolean) => {
    const onHost = where === undefined || where === 'localhost' || (await isFree(candidate, where))
    return onHost && (take ? takeIfFree(PKG, candidate, undefined, 'answer') : isFree(candidate))
  }
  // portfinder walks up to highestPort and only then compares with stopPort: past stopPort, a free
  // port means "none in between", running out means "none available". Only ports up to stopPort are claimed.
  for (let candidate = port; ; ) {
    if (await free(socketPort(candidate), candidate <= stopPort)) {
      if (candidate <= stopPort) return candidate
      throw Error(`No open ports found in between ${startPort} and ${stopPort}`)
    }
    candidate = portfinder.nextPort(candidate)
    if (candidate > portfinder.highestPort) throw Error('No open ports available')
  }
}

/** portfinder's `internals.getPort`: its checks answer synchronously, the search later. */
function findPort(options: Record<string, unknown>, callback: Callback<number>, close: () => void = openAnswer()): void {
  let prepared: Error | Search
  try {
    prepared = prepare(options)
  } catch (error) {
    close()
    throw error
  }
  if (prepared instanceof Error) {
    close()
    return callback(prepared)
  }
  search(prepared).then(
    (port) => (close(), callback(null, port)),
    (error: Error) => (close(), callback(error)),
  )
}

/** Calls back when a callback is given, else returns a promise (portfinder's two forms). */
function both<T>(run: (options: Record<string, unknown>, callback: Callback<T>) => void, options: unknown, callback?: Callback<T>): Promise<T> | void {
  if (typeof options === 'function') {
    callback = options as Callback<T>
    options = {}
  }
  const given = (options || {}) as Record<string, unknown>
  if (!callback) return new Promise((resolve, reject) => run(given, (error, value) => (error ? reject(error) : resolve(value as T))))
  run(given, callback)
}

function getPort(options?: PortFinderOptions): Promise<number>
function getPort(callback: PortfinderCallback): void
function getPort(options: PortFinderOptions, callback: PortfinderCallback): void
function getPort(options?: PortFinderOptions | PortfinderCallback, callback?: PortfinderCallback): Promise<number> | void {
  return both((given, done) => findPort(given, done), options, callback)
}

/** portfinder's `internals.getPorts`: one port after another, each search from the port after the last. */
function findPorts(count: number, options: Record<string, unknown>, callback: Callback<number[]>): void {
  const ports: number[] = []
  // One open call for all of them: a caller that overlaps gets none of these ports.
  const close = openAnswer()
  const next = (): void => {
    if (ports.length >= count) return close(), callback(null, ports)
    if (ports.length > 0) options.port = portfinder.nextPort(ports.at(-1)!)
    findPort(options, (error, port) => {
      if (error) return close(), callback(error)
      ports.push(port!)
      next()
    }, openAnswer())
  }
  try {
    next()
  } catch (error) {
    close()
    throw error
  }
}

function getPorts(count: number, options?: PortFinderOptions): Promise<number[]>
function getPorts(count: number, callback: Callback<number[]>): void
function getPorts(count: number, options: PortFinderOptions, callback: Callback<number[]>): void
function getPorts(count: number, options?: PortFinderOptions | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> | void {
  return both((given, done) => findPorts(count, given, done), options, callback)
}

/** portfinder's unix-socket helper: the first `<basePath>N.sock` that does not exist yet, creating its folder. */
function findSocket(options: Record<string, unknown>, callback: Callback<string>): void {
  options.mod = options.mod || 0o755
  options.path = options.path || `${portfinder.basePath}.sock`
  const test = () =>
    stat(options.path as string, (error) => {
      if (error) return error.code === 'ENOENT' ? callback(null, options.path as string) : callback(error)
      options.path = portfinder.nextSocket(options.path as string)
      findSocket(options, callback)
    })
  if (options.exists) return test()
  const dir = dirname(options.path as string)
  stat(dir, (error, stats) => {
    if (!error && stats.isDirectory()) return (options.exists = true), test()
    mkdir(dir, { mode: options.mod as number, recursive: true }, (failed) => {
      if (failed) return callback(failed)
      options.exists = true
      test()
    })
  })
}

function getSocket(options?: SocketFinderOptions): Promise<string>
function getSocket(callback: Callback<string>): void
function getSocket(options: SocketFinderOptions, callback: Callback<string>): void
function getSocket(options?: SocketFinderOptions | Callback<string>, callback?: Callback<string>): Promise<string> | void {
  return both(findSocket, options, callback)
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
  /** portfinder's: `app.sock` → `app1.sock` → `app2.sock`; a name that is not letters then digits throws, as there. */
  nextSocket(socketPath: string): string {
    const match = basename(socketPath, '.sock').match(/^([a-zA-z]+)(\d*)$/i)!
    const index = parseInt(match[2]!)
    return join(dirname(socketPath), `${match[1]}${(Number.isNaN(index) ? 0 : index) + 1}.sock`)
  },
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
