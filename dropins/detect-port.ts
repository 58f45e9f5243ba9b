/**
 * `berth/detect-port`: detect-port 2's API and documented behaviour: the port itself when free,
 * else the next of the following nine, else a random port (detect-port's answer, even though it
 * lies outside that range). Built on berth's probe and claim.
 */
import { kernelPort } from '../core/bind.ts'
import { isFree, takeIfFree, takeRandom } from './shared.ts'

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

/** detect-port reads the port with `parseInt(port) || 0`; berth takes digits only and refuses other text. */
function portOf(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0
  const text = String(value)
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    throw new TypeError(`detect-port: ${JSON.stringify(value)} is not a port from 0 to 65535`)
  }
  return Number(text)
}

async function detect(port: number, hostname: string): Promise<number> {
  if (hostname) {
    // detect-port fails for an address this machine does not have, rather than answering for another.
    await kernelPort(hostname).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRNOTAVAIL') throw new IPAddressNotAvailableError({ cause: error })
    })
  }
  if (port === 0) return takeRandom('detect-port', hostname || undefined)
  const maxPort = Math.min(port + 10, 65535)
  for (let candidate = port; candidate < maxPort; candidate++) {
    if (await takeIfFree('detect-port', candidate, hostname || undefined)) return candidate
  }
  return takeRandom('detect-port', hostname || undefined)
}

export function detectPort(port?: number | PortConfig | string): Promise<number>
export function detectPort(callback: DetectPortCallback): void
export function detectPort(port: number | PortConfig | string | undefined, callback: DetectPortCallback): void
export function detectPort(
  port?: number | PortConfig | string | DetectPortCallback,
  callback?: DetectPortCallback,
): Promise<number> | void {
  let hostname = ''
  let value: unknown = port
  if (typeof port === 'function') {
    callback = port
    value = undefined
  } else if (port && typeof port === 'object') {
    hostname = port.hostname ?? ''
    callback = port.callback ?? callback
    value = port.port
  }
  const work = (async () => detect(portOf(value), hostname))()
  if (typeof callback !== 'function') return work
  const done = callback
  work.then((found) => done(null, found), (error: Error) => done(error))
}


export interface WaitPortOptions {
  retryInterval?: number
  retries?: number
}

/** Resolves true once something listens on `port` (checked every `retryInterval` ms). */
export async function waitPort(port: number, options: WaitPortOptions = {}): Promise<boolean> {
  const { retryInterval = 1000, retries = Infinity } = options
  for (let count = 1; ; count++) {
    if (count > retries) throw new WaitPortRetryError('retries exceeded', retries, count)
    if (!(await isFree(port))) return true
    await new Promise((resolve) => setTimeout(resolve, retryInterval))
  }
}

export { detectPort as detect }
export default detectPort
