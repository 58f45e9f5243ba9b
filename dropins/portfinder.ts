/**
 * `berth-ports/portfinder`: portfinder 1.0's API (callbacks and promises, `basePort` / `highestPort`
 * and their setters, `getPorts`, `nextPort`, `getSocket`) on berth's probe and claim, following
 * portfinder's source: options read with `Number()` and written back to the caller's object,
 * its checks answered at once (the callback is called before `getPort` returns), `basePort`,
 * `highestPort`, `nextPort` and `nextSocket` read from the exported object on every call, so
 * assigning them works; `require('berth-ports/portfinder')` returns that object. A claim lasts until
 * the answer is delivered (portfinder has no release), so overlapping calls get different ports.
 */
import { startPorts, startSearch } from './portfinder-search.ts'
import { findSocket, nextSocket } from './portfinder-socket.ts'
import { setPersistence } from './shared.ts'

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
  return forms((given) => startSearch(given, portfinder), options, callback)
}

function getPorts(count: number, options?: PortFinderOptions): Promise<number[]>
function getPorts(count: number, callback: Callback<number[]>): void
function getPorts(count: number, options: PortFinderOptions, callback: Callback<number[]>): void
function getPorts(
  count: number,
  options?: PortFinderOptions | Callback<number[]>,
  callback?: Callback<number[]>,
): Promise<number[]> | void {
  return forms((given) => startPorts(count, given, portfinder), options, callback)
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
