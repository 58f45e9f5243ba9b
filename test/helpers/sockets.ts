import { createServer, type Server } from 'node:net'

export interface Held {
  port: number
  host: string
  close(): Promise<void>
}

/** Listens for real on `host` (port 0 = the kernel picks one) and keeps the socket until `close()`. */
export function hold(host: string, port = 0, options: { ipv6Only?: boolean } = {}): Promise<Held> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer()
    server.once('error', reject)
    server.listen({ host, port, ipv6Only: options.ipv6Only ?? false, exclusive: true }, () => {
      const address = server.address()
      if (address === null || typeof address === 'string') return reject(new Error('no address'))
      resolve({ port: address.port, host, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

/** True when a real listen on `host:port` succeeds right now (the oracle the probe must agree with). */
export async function canBind(host: string, port: number): Promise<boolean> {
  try {
    const held = await hold(host, port)
    await held.close()
    return true
  } catch {
    return false
  }
}

/**
 * Holds `count` consecutive ports on every address (dual-stack `::` and `0.0.0.0` where
 * possible), below the Linux ephemeral range, so a test owns a whole range. Retries elsewhere
 * when any port of a try is taken.
 */
export async function holdRange(count: number): Promise<{ from: number; to: number; close(): Promise<void> }> {
  for (let tries = 0; tries < 50; tries++) {
    const from = 20000 + Math.floor(Math.random() * 10000)
    const held: Held[] = []
    try {
      for (let port = from; port < from + count; port++) held.push(await hold('::', port))
      return { from, to: from + count - 1, close: async () => void (await Promise.all(held.map((h) => h.close()))) }
    } catch {
      await Promise.all(held.map((h) => h.close()))
    }
  }
  throw new Error(`could not hold ${count} consecutive ports`)
}

/** A run of `count` consecutive ports that are free now (checked, not held). */
export async function freeRange(count: number): Promise<number> {
  const range = await holdRange(count)
  await range.close()
  return range.from
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
