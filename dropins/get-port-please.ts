/**
 * `berth-ports/get-port-please`: get-port-please 3's API (`getPort`, `getRandomPort`, `checkPort`,
 * `waitForPort`, the unsafe-port and socket helpers), following its source step by step: the
 * port read with `Number()` (or `parseInt` for a bare number or text), `PORT` and `HOST` from the
 * environment, then `port`, `ports`, `portRange`, then 3000-3100 when nothing was asked, then a
 * random port; a port `listen()` refuses is its RangeError; a host is resolved like `listen()`
 * does, and a host that cannot be bound makes every port unavailable. Underneath, berth's probe
 * and claim: a claim lasts until the answer is delivered (get-port-please has no release).
 */
import { kernelPort } from '../probe/bind.ts'
import { isBrowserUnsafe } from '../plugins/unsafe-ports.ts'
import { isLocalAddress, resolveHost, socketPort } from './node-compat.ts'
import { openAnswer, whileAnswering } from './answers.ts'
import { isFree, takeIfFree, takeRandom } from './shared.ts'
import { readFirst, takeRest } from './walk.ts'

export { setPersistence } from './shared.ts'
export { getSocketAddress, isSocketSupported, cleanSocket, type GetSocketOptions } from './sockets.ts'

export interface GetPortOptions {
  name: string
  random: boolean
  port: number
  ports: number[]
  portRange: [fromInclusive: number, toInclusive: number]
  alternativePortRange: [fromInclusive: number, toInclusive: number]
  host: string
  verbose?: boolean
  public?: boolean
}
export interface WaitForPortOptions {
  host?: HostAddress
  delay?: number
  retries?: number
}
export type GetPortInput = Partial<GetPortOptions> | number | string
export type HostAddress = undefined | string
export type PortNumber = number

export class GetPortError extends Error {
  override name = 'GetPortError'
}

/** The WHATWG list, a superset of get-port-please's (it adds 4190 and 6679, which browsers refuse too). */
export const isUnsafePort = (port: number): boolean => port !== 0 && isBrowserUnsafe(port)
export const isSafePort = (port: number): boolean => !isUnsafePort(port)

const PKG = 'get-port-please'
const HOSTNAME_RE = /^(?!-)[\d.:A-Za-z-]{1,63}(?<!-)$/
const env = () => globalThis.process?.env ?? {}
const log = (verbose: unknown, message: string) => verbose && console.log(`[get-port] ${message}`)
const onHost = (host: HostAddress) => (host ? `on host ${JSON.stringify(host)}` : 'on any host')

function range(from: number, to: number): number[] {
  const ports: number[] = []
  for (let port = from; port <= to; port++) ports.push(port)
  return ports
}

function validHost(host: string | undefined, isPublic: unknown, verbose: unknown): string | undefined {
  if (host && !HOSTNAME_RE.test(host)) {
    const fallback = isPublic ? '0.0.0.0' : '127.0.0.1'
    log(verbose, `Invalid hostname: ${JSON.stringify(host)}. Using ${JSON.stringify(fallback)} as fallback.`)
    return fallback
  }
  return host
}

/** Where to check: the resolved address, undefined for every address, or null when `host` cannot be bound here. */
async function bindable(host: HostAddress): Promise<string | undefined | null> {
  if (!host) return undefined
  try {
    const address = await resolveHost(host)
    return (await isLocalAddress(address)) ? address : null
  } catch {
    return null
  }
}

async function findRandom(where: string | undefined | null): Promise<number | false> {
  if (where === null) return false
  return takeRandom(PKG, where, isUnsafePort, 'answer').catch(() => false as const)
}

/** get-port-please's `_findPort`: the first free (and safe) port, in order; a port `listen()` refuses is its RangeError. */
async function findPort(ports: unknown[], where: string | undefined | null, host: HostAddress): Promise<number | false> {
  if (where === null) {
    // Every port fails to bind; listen() still reads each one first.
    for (const port of ports) socketPort(port, host)
    return false
  }
  const read = (port: unknown) => {
    const number = socketPort(port, host)
    return isUnsafePort(number) ? undefined : number
  }
  const candidates = ports[Symbol.iterator]()
  const first = readFirst(candidates, read)
  const found = !first || (await takeIfFree(PKG, first, where, 'answer')) ? first : await takeRest(PKG, candidates, read, where, 'answer')
  return found === 0 ? findRandom(where) : (found ?? false)
}

export async function getPort(input: GetPortInput = {}): Promise<PortNumber> {
  // Closed as this function returns, before the caller's continuation runs (see answers.ts).
  const close = openAnswer()
  try {
    const user: Partial<GetPortOptions> =
      typeof input === 'number' || typeof input === 'string' ? { port: Number.parseInt(`${input}`) || 0 } : input
    // Not given and PORT unset is NaN, not 0: get-port-please then tries 3000, not a random port.
    const port = Number(user.port ?? env().PORT)
    const askedForAny = Boolean(user.port || user.ports?.length || user.portRange?.length)
    const options = {
      random: port === 0,
      ports: [] as number[],
      portRange: [] as number[],
      alternativePortRange: askedForAny ? [] : [3000, 3100],
      verbose: false,
      ...user,
      port,
      host: validHost(user.host ?? env().HOST, user.public, user.verbose),
    }
    if (options.random && !askedForAny) return getRandomPort(options.host)
    const where = options.host ? await bindable(options.host) : undefined
    const candidates = [options.port, ...options.ports, ...range(...(options.portRange as [number, number]))].filter((p) => {
      if (!p) return false
      if (!isSafePort(p)) {
        log(options.verbose, `Ignoring unsafe port: ${p}`)
        return false
      }
      return true
    })
    if (candidates.length === 0) candidates.push(3000)
    let found = await findPort(candidates, where, options.host)
    if (!found && options.alternativePortRange.length > 0) {
      found = await findPort(range(...(options.alternativePortRange as [number, number])), where, options.host)
      log(
        options.verbose,
        `Unable to find an available port (tried ${candidates.join('-')} ${onHost(options.host)}).${found ? ` Using alternative port ${found}.` : ''}`,
      )
    }
    if (!found && user.random !== false) {
      found = await getRandomPort(options.host)
      log(options.verbose, `Using random port ${found}`)
    }
    if (!found) {
      const tried = [options.port, options.portRange.join('-'), options.alternativePortRange.join('-')].filter(Boolean).join(', ')
      throw new GetPortError(`Unable to find an available port ${onHost(options.host)} (tried ${tried})`)
    }
    return found
  } finally {
    close()
  }
}

export function getRandomPort(host?: HostAddress): Promise<number> {
  return whileAnswering(async () => {
    // get-port-please's checkPort(0, host) falls back to HOST when no host is given.
    const found = await findRandom(await bindable(host === undefined ? env().HOST : host))
    if (found === false) throw new GetPortError(`Unable to find a random port ${onHost(host)}`)
    return found
  })
}

/**
 * The port when a server could listen there now, else false; 0 asks for a random free port. Claims
 * nothing. As in get-port-please, the port comes back as it was given unless one host was given.
 */
export async function checkPort(
  port: PortNumber,
  host: HostAddress | HostAddress[] = env().HOST,
  verbose?: boolean,
): Promise<PortNumber | false> {
  const hosts = host && !Array.isArray(host) ? [host] : Array.isArray(host) ? host : [undefined]
  let number = socketPort(port, hosts[0])
  for (const one of hosts) {
    const where = await bindable(one)
    if (where !== null && number === 0) number = await kernelPort(where && where !== 'localhost' ? where : '::').catch(() => 0)
    if (where === null || number === 0 || !(await isFree(number, where))) {
      if (number < 1024) log(verbose, `Unable to listen to the privileged port ${number} ${onHost(one)}`)
      return false
    }
  }
  if (!isSafePort(number)) return false
  return (host && !Array.isArray(host)) || port === 0 ? number : port
}

/** Resolves once `port` cannot be listened on (something listens there); throws after `retries` checks `delay` ms apart. */
export async function waitForPort(port: PortNumber, options: WaitForPortOptions = {}): Promise<void> {
  const delay = options.delay || 500
  const retries = options.retries || 4
  for (let left = retries; left > 0; left--) {
    // get-port-please's check answers false for an unsafe port or a host it cannot bind: done waiting.
    const number = socketPort(port)
    const where = options.host ? await bindable(options.host) : undefined
    if (where === null || isUnsafePort(number) || !(await isFree(number, where))) return
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
  throw new GetPortError(`Timeout waiting for port ${port} after ${retries} retries with ${delay}ms interval.`)
}
