/**
 * Holding a port until the service exists: the allocator's probe binds for real and keeps the
 * socket open when the port is free (on Linux the bind is the check itself), so between the check and the spawn nothing else can take it.
 * The socket listens without reuse on the address the service will bind (on Linux a dual-stack
 * `::` socket collides with every listener on the port), and is either closed in the same tick as
 * the spawn or handed to the child as fd 3.
 */
import { checkPort, PortError, type Probe, type ProbeResult } from './deps.ts'

export interface Hold {
  port: number
  host: string
  /** The listening socket's file descriptor, for `--fd`; null where the runtime does not say. */
  fd: number | null
  release(): void
}

/** A socket listening on the held port. */
interface Listening {
  fd: number | null
  close(): void
}

/** Errnos of a bind that mean "this address does not exist here": try the next address. */
const ABSENT = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL'])
const BUSY: Record<string, 'in-use' | 'permission'> = { EADDRINUSE: 'in-use', EACCES: 'permission' }

interface BunListener {
  stop(closeActive?: boolean): void
  /** Not in Bun's types, but set on every TCP listener (Bun's own `node:net` reads it). */
  fd?: unknown
}
interface BunGlobal {
  listen(options: object): BunListener
}

const errnoOf = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? '')
const descriptor = (fd: unknown): number | null => (typeof fd === 'number' && fd >= 0 ? fd : null)

// A connection that reaches the hold before the spawn cannot be served by berth: close it.
const REFUSE = { open: (socket: { terminate(): void }) => socket.terminate(), data() {} }

/**
 * Under Bun, `Bun.listen`: the same listener Bun's `node:net` is built on, without loading
 * `node:net`, which was a large part of a cold `berth exec` before the spawn (README, Benchmark,
 * scenario 12). It binds synchronously and throws the errno of a failed bind.
 */
function bunListen(bun: BunGlobal, port: number, host: string): Listening | string {
  let listener: BunListener
  try {
    // No SO_REUSEPORT: a hold that shares the port would not keep anyone out.
    listener = bun.listen({ hostname: host, port, exclusive: true, reusePort: false, ipv6Only: false, socket: REFUSE })
  } catch (error) {
    const code = errnoOf(error)
    if (code === '') throw error
    return code
  }
  return { fd: descriptor(listener.fd), close: () => listener.stop(true) }
}

let net: Promise<typeof import('node:net')> | undefined

/** Elsewhere (Node, Deno), `node:net`. */
async function nodeListen(port: number, host: string): Promise<Listening | string> {
  const { createServer } = await (net ??= import('node:net'))
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('connection', (socket) => socket.destroy())
    server.once('error', (error: NodeJS.ErrnoException) => (error.code ? resolve(error.code) : reject(error)))
    server.listen({ port, host, exclusive: true, ipv6Only: false, backlog: 511 }, () =>
      resolve({
        fd: descriptor((server as unknown as { _handle?: { fd?: unknown } })._handle?.fd),
        close: () => void server.close(),
      }),
    )
  })
}

const bun = (globalThis as { Bun?: BunGlobal }).Bun

/** Listens on host:port with no reuse; resolves with the listening socket, or the errno of a failed bind. */
export async function listenExclusive(port: number, host: string): Promise<Listening | string> {
  return bun ? bunListen(bun, port, host) : nodeListen(port, host)
}

export interface Holds {
  /** The allocator's probe: a free port stays bound, held here. */
  probe: Probe
  /** Takes the hold of `port` out of the set (the caller releases it); undefined when none is held. */
  keep(port: number): Hold | undefined
  /** Closes every hold still in the set (the ports the allocation looked at but did not choose). */
  releaseAll(): void
}

export function createHolds(): Holds {
  const held = new Map<number, Hold>()
  const asHold = (listening: Listening, port: number, host: string): Hold => ({ port, host, fd: listening.fd, release: listening.close })

  /**
   * Elsewhere than Linux a wildcard and a specific address can both listen, so one bind does not
   * prove the others free: the usual check of every address first, then the hold on the first.
   */
  const checkedThenHeld: Probe = async (port, hosts) => {
    const checked = await checkPort(port, hosts)
    if (!checked.free) return checked
    const answer = await listenExclusive(port, hosts[0]!)
    if (typeof answer === 'string') return { port, free: false, reason: BUSY[answer] ?? 'unavailable', host: hosts[0], code: answer }
    held.set(port, asHold(answer, port, hosts[0]!))
    return checked
  }

  const probe: Probe = async (port, hosts): Promise<ProbeResult> => {
    if (globalThis.process?.platform !== 'linux') return checkedThenHeld(port, hosts)
    const asked = hosts[0] === '::' || hosts[0] === '0.0.0.0' ? undefined : hosts[0]
    for (const host of hosts) {
      const answer = await listenExclusive(port, host)
      if (typeof answer !== 'string') {
        held.set(port, asHold(answer, port, host))
        return { port, free: true }
      }
      if (answer in BUSY) return { port, free: false, reason: BUSY[answer]!, host, code: answer }
      if (ABSENT.has(answer)) {
        if (host === asked) return { port, free: false, reason: 'unavailable', host, code: answer }
        continue
      }
      throw new PortError('E_PROBE', `Holding port ${port} on ${host} failed with ${answer}`)
    }
    return { port, free: false, reason: 'unavailable' }
  }

  return {
    probe,
    keep(port) {
      const hold = held.get(port)
      held.delete(port)
      return hold
    },
    releaseAll() {
      for (const hold of held.values()) hold.release()
      held.clear()
    },
  }
}
