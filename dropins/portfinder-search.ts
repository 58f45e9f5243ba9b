/**
 * portfinder's search, following its source: the options read with `Number()` and written back to
 * the caller's object, its checks answered at once, then the walk by `nextPort` up to `stopPort`
 * (and on to `highestPort`, for its error message). `basePort`, `highestPort` and `nextPort` are
 * read from the portfinder object on every call, so assigning them works.
 */
import { isLocalAddress, resolveHost, socketPort } from './node-compat.ts'
import { openAnswer } from './answers.ts'
import { isFree, takeIfFree } from './shared.ts'
import { readFirst, takeRest } from './walk.ts'

/** What the search reads from the portfinder object. */
export interface Settings {
  basePort: number
  highestPort: number
  nextPort(port: number): number
}

/** portfinder writes these back to the caller's options object. */
interface Search {
  port: number
  host: string | null
  startPort: number
  stopPort: number
}

const PKG = 'portfinder'

/** portfinder's checks, made before any port is tried: an Error to answer at once, or the search. */
function prepare(options: Record<string, unknown>, portfinder: Settings): Error | Search {
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
function* upTo(port: number, stopPort: number, end: { beyond?: number }, portfinder: Settings): Generator<number> {
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
async function search({ port, host, startPort, stopPort }: Search, portfinder: Settings, close: () => void): Promise<number> {
  try {
    const where = host ? await userHost(host) : undefined
    // portfinder checks every address, and the user's host besides.
    const alsoOnHost = where !== undefined && !COVERED.has(where) && globalThis.process?.platform !== 'linux'
    const end: { beyond?: number } = {}
    if (alsoOnHost) {
      for (const candidate of upTo(port, stopPort, end, portfinder)) {
        if ((await isFree(socketPort(candidate), where)) && (await takeIfFree(PKG, candidate, undefined, 'answer'))) return candidate
      }
    } else {
      const candidates = upTo(port, stopPort, end, portfinder)
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
export function startSearch(options: Record<string, unknown>, portfinder: Settings): Error | Promise<number> {
  const close = openAnswer()
  let prepared: Error | Search
  try {
    prepared = prepare(options, portfinder)
  } catch (error) {
    close()
    throw error
  }
  if (prepared instanceof Error) {
    close()
    return prepared
  }
  return search(prepared, portfinder, close)
}

/** portfinder's `internals.getPorts`: one port after another, each search from the port after the last. */
export function startPorts(count: number, options: Record<string, unknown>, portfinder: Settings): Error | Promise<number[]> {
  // One open call for all of them: a caller that overlaps gets none of these ports.
  const close = openAnswer()
  const ports: number[] = []
  const step = (): Error | Promise<number[]> => {
    if (ports.length >= count) return Promise.resolve(ports)
    if (ports.length > 0) options.port = portfinder.nextPort(ports.at(-1)!)
    const started = startSearch(options, portfinder)
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
