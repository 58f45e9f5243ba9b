/**
 * Socket helpers for berth's tests: the conformance suite's (one copy), in the shapes the tests
 * use, plus the address matrix every probe test runs.
 */
import { hold as holdPort, type Held as HeldPort } from '../../conformance/index.ts'

/** `canBind(port, host)`: true when a real listen on `host:port` succeeds right now (the oracle the probe must agree with). */
export { canBind, freeRange, holdRange } from '../../conformance/index.ts'

export interface Held extends HeldPort {
  host: string
}

/** Listens for real on `host` (port 0 = the kernel picks one) and keeps the socket until `close()`. */
export async function hold(host: string, port = 0, options: { ipv6Only?: boolean } = {}): Promise<Held> {
  return { ...(await holdPort(host, port, options.ipv6Only ?? false)), host }
}

export async function closeAll(held: Array<{ close(): Promise<void> }>): Promise<void> {
  await Promise.all(held.splice(0).map((h) => h.close()))
}

/** Every listener a developer's server could have: IPv4, IPv6-only and dual-stack. */
export const HOLDERS = [
  { host: '127.0.0.1', ipv6Only: false },
  { host: '::1', ipv6Only: true },
  { host: '0.0.0.0', ipv6Only: false },
  { host: '::', ipv6Only: false },
  { host: '::', ipv6Only: true },
]

/** The addresses a service may ask about with --host. */
export const CONSUMERS = ['127.0.0.1', '::1', '0.0.0.0', '::']

export const holderLabel = (holder: { host: string; ipv6Only: boolean }) => `${holder.host}${holder.ipv6Only ? ' (v6only)' : ''}`
