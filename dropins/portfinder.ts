/**
 * `berth/portfinder`: portfinder 1.0's API (callbacks and promises, `basePort` / `highestPort`
 * and their setters, `getPorts`, `nextPort`, `getSocket`) on berth's probe and claim. As in
 * portfinder, `basePort`, `highestPort` and `nextPort` are read from the exported object on every
 * call, so assigning them works; `require('berth/portfinder')` returns that object.
 */
import { setPersistence, takeIfFree } from './shared.ts'

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

/** portfinder reads numbers with `Number()`; berth refuses text that is not a port instead of guessing one. */
function numberOption(name: string, value: unknown): number {
  if (value === undefined || value === null || value === '' || value === 0) return 0
  const number = Number(value)
  if (!Number.isInteger(number) || (typeof value === 'string' && !/^[0-9]+$/.test(value))) {
    throw new Error(`Provided options.${name} (${JSON.stringify(value)}) is not a port number`)
  }
  return number
}

/** Calls back when a callback is given, else returns a promise (portfinder's two forms). */
function both<T>(work: () => Promise<T>, callback?: Callback<T>): Promise<T> | void {
  if (!callback) return work()
  work().then((value) => callback(null, value), (error: Error) => callback(error))
}

async function findPort(options: PortFinderOptions = {}): Promise<number> {
  const port = numberOption('port', options.port) || numberOption('startPort', options.startPort) || Number(portfinder.basePort)
  const startPort = numberOption('startPort', options.startPort) || port
  const stopPort = numberOption('stopPort', options.stopPort) || Number(portfinder.highestPort)
  if (port < 0) throw new Error(`Provided options.port(${port}) is less than 0, which are cannot be bound.`)
  if (stopPort < startPort) throw new Error(`Provided options.stopPort(${stopPort}) is less than options.port(${startPort})`)
  for (let candidate = port; candidate <= stopPort && candidate <= 65535; candidate = portfinder.nextPort(candidate)) {
    if (await takeIfFree('portfinder', candidate, options.host)) return candidate
  }
  throw new Error(`No open ports found in between ${startPort} and ${stopPort}`)
}

function getPort(options?: PortFinderOptions | PortfinderCallback, callback?: PortfinderCallback): Promise<number> | void {
  if (typeof options === 'function') return both(() => findPort({}), options)
  return both(() => findPort(options ?? {}), callback)
}

async function findPorts(count: number, options: PortFinderOptions = {}): Promise<number[]> {
  const ports: number[] = []
  for (let i = 0; i < count; i++) {
    const last = ports.at(-1)
    ports.push(await findPort(last === undefined ? options : { ...options, port: portfinder.nextPort(last) }))
  }
  return ports
}

function getPorts(count: number, options?: PortFinderOptions | Callback<number[]>, callback?: Callback<number[]>): Promise<number[]> | void {
  if (typeof options === 'function') return both(() => findPorts(count), options)
  return both(() => findPorts(count, options ?? {}), callback)
}

/** The first `<basePath>N.sock` that does not exist yet, creating its folder (portfinder's unix-socket helper). */
async function findSocket(options: SocketFinderOptions = {}): Promise<string> {
  const { mkdir, stat } = await import('node:fs/promises')
  const { dirname } = await import('node:path')
  let path = options.path || `${portfinder.basePath}.sock`
  await mkdir(dirname(path), { mode: options.mod ?? 0o755, recursive: true })
  for (;;) {
    try {
      await stat(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path
      throw error
    }
    path = portfinder.nextSocket(path)
  }
}

function getSocket(options?: SocketFinderOptions | Callback<string>, callback?: Callback<string>): Promise<string> | void {
  if (typeof options === 'function') return both(() => findSocket(), options)
  return both(() => findSocket(options ?? {}), callback)
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
  nextSocket(socketPath: string): string {
    const slash = socketPath.lastIndexOf('/')
    const [, base = 'portfinder', index = '0'] = /^([a-zA-Z]+)(\d*)$/.exec(socketPath.slice(slash + 1).replace(/\.sock$/, '')) ?? []
    return `${socketPath.slice(0, slash + 1)}${base}${Number(index || 0) + 1}.sock`
  },
  getPort,
  getPortPromise: (options?: PortFinderOptions) => findPort(options),
  getPorts,
  getPortsPromise: (count: number, options?: PortFinderOptions) => findPorts(count, options),
  getSocket,
  getSocketPromise: (options?: SocketFinderOptions) => findSocket(options),
  setPersistence,
}

export const { setBasePort, setHighestPort, setBasePath, getPortPromise, getPortsPromise, getSocketPromise } = portfinder
export { getPort, getPorts, getSocket, setPersistence }
export const nextPort = (port: number) => portfinder.nextPort(port)
export default portfinder
