/**
 * One real bind of one address, then close: the portable check (the raw binder, raw-bind.ts,
 * serves batches under Bun on Linux). Under Bun, `Bun.listen` binds synchronously and loads in
 * no time, while loading Bun's `node:net` would be most of a cold `berth get` (README, Benchmark:
 * "Behind the code's choices"; scenario 4). Elsewhere, `node:net`. Both were checked against the
 * same address matrix.
 * Resolves with the errno of a failed bind, or null when the bind worked.
 */
export type BindOnce = (port: number, host: string, track: (close: () => void) => void) => Promise<string | null>

interface BunListener {
  stop(closeActive?: boolean): void
}
interface BunGlobal {
  listen(options: object): BunListener
}

const errnoOf = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? '')

/** One handler object for every probe listener: a fresh one per bind was a noticeable part of each check (README, Benchmark). */
const PROBE_HANDLERS = { data() {} }

function bunBinder(bun: BunGlobal): BindOnce {
  return async (port, host) => {
    let listener: BunListener
    try {
      // reusePort stays off: a probe that shares the port reports busy ports free.
      listener = bun.listen({ hostname: host, port, exclusive: true, reusePort: false, ipv6Only: false, socket: PROBE_HANDLERS })
    } catch (error) {
      const code = errnoOf(error)
      if (code === '') throw error
      return code
    }
    listener.stop(true)
    return null
  }
}

let nodeNet: Promise<typeof import('node:net')> | undefined

const nodeBinder: BindOnce = async (port, host, track) => {
  const { createServer } = await (nodeNet ??= import('node:net'))
  return new Promise((resolve, reject) => {
    const server = createServer()
    track(() => server.close())
    server.unref()
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close()
      if (error.code) resolve(error.code)
      else reject(error)
    })
    // exclusive: never share a cluster primary's handle; reusePort off for the same reason.
    server.listen({ port, host, exclusive: true, reusePort: false, ipv6Only: false }, () => server.close(() => resolve(null)))
  })
}

const bun = (globalThis as { Bun?: BunGlobal }).Bun

/** The binder for this runtime. */
export const bindOnce: BindOnce = bun ? bunBinder(bun) : nodeBinder
/** `Bun.listen` answers before it returns; `node:net` answers in a later event. */
export const BINDS_SYNCHRONOUSLY = Boolean(bun)

/**
 * A port the kernel picks on `host` (the random fallback of get-port and friends). On `::` a
 * dual-stack bind, so on Linux the port is free on every address at that moment.
 */
export async function kernelPort(host = '::'): Promise<number> {
  if (bun) {
    const listener = (bun as unknown as { listen(o: object): BunListener & { port: number } }).listen({
      hostname: host,
      port: 0,
      exclusive: true,
      reusePort: false,
      ipv6Only: false,
      socket: PROBE_HANDLERS,
    })
    const { port } = listener
    listener.stop(true)
    return port
  }
  const { createServer } = await (nodeNet ??= import('node:net'))
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port: 0, host, exclusive: true, ipv6Only: false }, () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no address'))))
    })
  })
}
