/**
 * `berth-ports/detect-port`: detect-port 2's API and behaviour, read from its source: the port is read
 * with `parseInt(port) || 0`; the port itself when free, else the next ones below `port + 10`,
 * else a random port; with a `hostname`, only that host is checked, a name the resolver does not
 * know (ENOTFOUND) answers the port as it is, and an address this machine does not have is an
 * IPAddressNotAvailableError. Built on berth's probe and claim: a claim lasts until the answer is
 * delivered (detect-port has no release), so overlapping calls get different ports and
 * `detect(await detect())` gets the same one, as with detect-port.
 */
import { addressNotAvailable, isLocalAddress, resolveHost } from './node-compat.ts'
import { openAnswer } from './answers.ts'
import { isFree, takeRandom } from './shared.ts'
import { takeFirst } from './walk.ts'

export { setPersistence } from './shared.ts'

export type DetectPortCallback = (err: Error | null, port?: number) => void
export interface PortConfig {
  port?: number | string
  hostname?: string | undefined
  callback?: DetectPortCallback
}

export class IPAddressNotAvailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('The IP address is not available on this machine', options)
    this.name = 'IPAddressNotAvailableError'
  }
}

export class WaitPortRetryError extends Error {
  retries: number
  count: number
  constructor(message: string, retries: number, count: number, options?: ErrorOptions) {
    super(message, options)
    this.name = 'WaitPortRetryError'
    this.retries = retries
    this.count = count
  }
}

const PKG = 'detect-port'

/** The address to check: detect-port's `listen(port, hostname)` resolves it, and ENOTFOUND means "take the port". */
async function hostToCheck(hostname: string, port: number): Promise<{ host: string } | { notFound: true }> {
  let host: string
  try {
    host = await resolveHost(hostname)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND') return { notFound: true }
    throw error
  }
  if (!(await isLocalAddress(host))) throw new IPAddressNotAvailableError({ cause: addressNotAvailable(host, port) })
  return { host }
}

async function detect(first: number, hostname: string | undefined): Promise<number> {
  // Closed as this function returns, before the caller's continuation runs (see answers.ts).
  const close = openAnswer()
  try {
    const target = hostname ? await hostToCheck(hostname, first) : undefined
    const host = target && 'host' in target ? target.host : undefined
    // The port, then the ones after it below `port + 10`; a port `listen()` refuses (below 0, above
    // 65535) counts as busy, and 0 asks for a random port.
    const maxPort = Math.min(first + 10, 65535)
    const ports: number[] = []
    for (let port = first; port === first || port < maxPort; port++) if (port >= 0 && port <= 65535) ports.push(port)
    if (target && 'notFound' in target) return ports[0] ?? 0
    return (await takeFirst(PKG, ports, asPort, host, 'answer')) || (await takeRandom(PKG, host, undefined, 'answer'))
  } finally {
    close()
  }
}

const asPort = (port: unknown) => port as number

export function detectPort(port?: number | PortConfig | string): Promise<number>
export function detectPort(callback: DetectPortCallback): void
export function detectPort(port: number | PortConfig | string | undefined, callback: DetectPortCallback): void
export function detectPort(
  port?: number | PortConfig | string | DetectPortCallback,
  callback?: DetectPortCallback,
): Promise<number> | Promise<void> {
  let hostname: string | undefined = ''
  let value: unknown = port
  if (port && typeof port === 'object') {
    // As in detect-port: the object's callback replaces a second argument, even when it has none.
    hostname = port.hostname
    callback = port.callback
    value = port.port
  } else if (typeof port === 'function') {
    callback = port
    value = undefined
  }
  const work = detect(parseInt(value as string) || 0, hostname)
  if (typeof callback !== 'function') return work
  const done = callback
  // detect-port's chain: a callback that throws is called again with its own error.
  return work.then((found) => done(null, found)).catch(done)
}

export interface WaitPortOptions {
  retryInterval?: number
  retries?: number
}

/**
 * Resolves true once something listens on `port` (checked every `retryInterval` ms). As in
 * detect-port, a port it would never answer as it is (text, 0, out of range) counts as listened on.
 */
export async function waitPort(port: number, options: WaitPortOptions = {}): Promise<boolean> {
  const { retryInterval = 1000, retries = Infinity } = options
  const answerable = typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535
  for (let count = 1; ; count++) {
    if (count > retries) throw new WaitPortRetryError('retries exceeded', retries, count)
    if (!answerable || !(await isFree(port))) return true
    await new Promise((resolve) => setTimeout(resolve, retryInterval))
  }
}

export { detectPort as detect }
export default detectPort
