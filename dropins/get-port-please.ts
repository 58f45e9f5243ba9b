/**
 * `berth/get-port-please`: get-port-please 3's API (`getPort`, `getRandomPort`, `checkPort`,
 * `waitForPort`, the unsafe-port and socket helpers) and its documented order: `port`, `ports`,
 * `portRange`, then `alternativePortRange` (3000-3100 when nothing was asked), then a random port.
 */
import { kernelPort } from '../core/bind.ts'
import { isBrowserUnsafe } from '../core/unsafe-ports.ts'
import { isFree, takeIfFree, takeRandom } from './shared.ts'

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

export const isUnsafePort = (port: number): boolean => isBrowserUnsafe(port)
export const isSafePort = (port: number): boolean => !isUnsafePort(port)

const HOSTNAME_RE = /^(?!-)[\d.:A-Za-z-]{1,63}(?<!-)$/
const log = (verbose: boolean | undefined, message: string) => verbose && console.log(`[get-port] ${message}`)
const onHost = (host: HostAddress) => (host ? `on host ${JSON.stringify(host)}` : 'on any host')
const range = (from?: number, to?: number) => (from === undefined || to === undefined || to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i))

/** get-port-please reads text with `parseInt(...) || 0`; berth refuses text that is not a port (PORT="abc" is an error, not 3000). */
function portText(name: string, value: unknown): number {
  if (value === undefined || value === null || value === '') return 0
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return value
  if (typeof value === 'string' && /^[0-9]{1,5}$/.test(value) && Number(value) <= 65535) return Number(value)
  throw new GetPortError(`Invalid port in ${name}: ${JSON.stringify(value)} (expected a whole number from 0 to 65535)`)
}

function hostOf(options: Partial<GetPortOptions>): HostAddress {
  const host = options.host ?? globalThis.process?.env.HOST
  if (host && !HOSTNAME_RE.test(host)) {
    const fallback = options.public ? '0.0.0.0' : '127.0.0.1'
    log(options.verbose, `Invalid hostname: ${JSON.stringify(host)}. Using ${JSON.stringify(fallback)} as fallback.`)
    return fallback
  }
  return host || undefined
}

async function firstTaken(ports: number[], host: HostAddress): Promise<number | undefined> {
  for (const port of ports) if (await takeIfFree('get-port-please', port, host)) return port
  return undefined
}

export async function getPort(input: GetPortInput = {}): Promise<PortNumber> {
  const user: Partial<GetPortOptions> = typeof input === 'object' ? input : { port: portText('getPort()', input) }
  const port = user.port !== undefined ? portText('port', user.port) : portText('PORT', globalThis.process?.env.PORT)
  const askedForAny = Boolean(user.port || user.ports?.length || user.portRange?.length)
  const host = hostOf(user)
  const alternative = user.alternativePortRange ?? (askedForAny ? [] : [3000, 3100])
  if ((user.random ?? port === 0) && !askedForAny) return getRandomPort(host)
  const candidates = [port, ...(user.ports ?? []), ...range(...(user.portRange ?? []))].filter((p) => {
    if (!p) return false
    if (isUnsafePort(p)) log(user.verbose, `Ignoring unsafe port: ${p}`)
    return isSafePort(p)
  })
  if (candidates.length === 0) candidates.push(3000)
  let found = await firstTaken(candidates, host)
  if (found === undefined && alternative.length > 0) {
    found = await firstTaken(range(...alternative).filter(isSafePort), host)
    log(user.verbose, `Unable to find an available port (tried ${candidates.join('-')} ${onHost(host)}).${found ? ` Using alternative port ${found}.` : ''}`)
  }
  if (found === undefined && user.random !== false) found = await getRandomPort(host)
  if (found === undefined) {
    const tried = [port, (user.portRange ?? []).join('-'), alternative.join('-')].filter(Boolean).join(', ')
    throw new GetPortError(`Unable to find an available port ${onHost(host)} (tried ${tried})`)
  }
  return found
}

export async function getRandomPort(host?: HostAddress): Promise<number> {
  try {
    return await takeRandom('get-port-please', host, isUnsafePort)
  } catch (error) {
    throw new GetPortError(`Unable to find a random port ${onHost(host)}`, { cause: error })
  }
}

/** The port when a server could listen there now, else false; 0 asks for a random free port. Claims nothing. */
export async function checkPort(port: PortNumber, host: HostAddress | HostAddress[] = globalThis.process?.env.HOST, _verbose?: boolean): Promise<PortNumber | false> {
  const hosts = Array.isArray(host) ? host : [host]
  if (port === 0) port = await kernelPort(hosts[0] || '::')
  for (const h of hosts) if (!(await isFree(port, h || undefined))) return false
  return isSafePort(port) && port
}

/** Resolves once something listens on `port`; throws after `retries` checks `delay` ms apart. */
export async function waitForPort(port: PortNumber, options: WaitForPortOptions = {}): Promise<void> {
  const delay = options.delay || 500
  const retries = options.retries || 4
  for (let left = retries; left > 0; left--) {
    if (!(await isFree(port, options.host))) return
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
  throw new GetPortError(`Timeout waiting for port ${port} after ${retries} retries with ${delay}ms interval.`)
}
