/**
 * Holding a port until the service exists: the allocator's probe binds for real and keeps the
 * socket open when the port is free (on Linux the bind is the check itself), so between the check and the spawn nothing else can take it.
 * The socket listens without reuse on the address the service will bind (on Linux a dual-stack
 * `::` socket collides with every listener on the port), and is either closed in the same tick as
 * the spawn or handed to the child as fd 3.
 */
import type { Server } from 'node:net'
import { checkPort, PortError, type Probe, type ProbeResult } from './deps.ts'

export interface Hold {
  port: number
  host: string
  /** The listening socket's file descriptor, for `--fd`; null where the runtime does not say. */
  fd: number | null
  release(): void
}

/** Errnos of a bind that mean "this address does not exist here": try the next address. */
const ABSENT = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EINVAL'])
const BUSY: Record<string, 'in-use' | 'permission'> = { EADDRINUSE: 'in-use', EACCES: 'permission' }

let net: Promise<typeof import('node:net')> | undefined

/** Listens on host:port with no reuse; resolves with the server, or the errno of a failed bind. */
export async function listenExclusive(port: number, host: string): Promise<Server | string> {
  const { createServer } = await (net ??= import('node:net'))
  return new Promise((resolve, reject) => {
    const server = createServer()
    // A connection that reaches the hold before the spawn cannot be served by berth: close it.
    server.on('connection', (socket) => socket.destroy())
    server.once('error', (error: NodeJS.ErrnoException) => (error.code ? resolve(error.code) : reject(error)))
    server.listen({ port, host, exclusive: true, ipv6Only: false, backlog: 511 }, () => resolve(server))
  })
}

const fdOf = (server: Server): number | null => {
  const fd = (server as unknown as { _handle?: { fd?: unknown } })._handle?.fd
  return typeof fd === 'number' && fd >= 0 ? fd : null
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
  const asHold = (server: Server, port: number, host: string): Hold => ({
    port,
    host,
    fd: fdOf(server),
    release: () => void server.close(),
  })

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
