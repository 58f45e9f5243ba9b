/**
 * Who holds a port: the sockets on that exact port (never a substring or prefix match), each
 * with the processes that have it open. Listeners come first; other states only when asked.
 */
import { findOwners, type ProcessInfo } from './owners.ts'
import { readSockets, type Protocol, type SocketEntry } from './sockets.ts'

export interface SocketHolder extends SocketEntry {
  /** The processes holding the socket; empty when they cannot be seen (`hidden`) or hold it no more. */
  processes: ProcessInfo[]
  /** True when some processes' fds could not be read: the holder may be among them. */
  hidden: boolean
}

export interface WhoOptions {
  /** Also UDP sockets. */
  udp?: boolean
  /** Also connections (ESTABLISHED, TIME_WAIT…), not only LISTEN and bound UDP sockets. */
  all?: boolean
}

/** A socket that holds a port against a new server: a TCP listener, or a bound UDP socket. */
export const isHolding = (s: SocketEntry) => s.state === 'LISTEN' || s.state === 'UNCONN'

const stateRank = (s: SocketEntry) => (s.state === 'LISTEN' ? 0 : s.state === 'UNCONN' ? 1 : 2)

/** The sockets on each of `ports` (one read of the tables and of /proc for all of them). */
export async function holdersOf(ports: readonly number[], options: WhoOptions = {}): Promise<Map<number, SocketHolder[]>> {
  const wanted = new Set(ports)
  const protocols: Protocol[] = options.udp ? ['tcp', 'udp'] : ['tcp']
  const sockets = (await readSockets({ protocols, ...(ports.length === 1 ? { port: ports[0] } : {}) })).filter(
    (s) => wanted.has(s.port) && (options.all || isHolding(s)),
  )
  // TIME_WAIT sockets belong to no process (inode 0).
  const { byInode, hiddenPids } = await findOwners(new Set(sockets.map((s) => s.inode).filter((inode) => inode !== '0')))
  const myUid = globalThis.process?.getuid?.() ?? -1
  const found = new Map<number, SocketHolder[]>(ports.map((port) => [port, []]))
  for (const s of sockets) {
    const processes = byInode.get(s.inode) ?? []
    // Another user's socket with no process found is hidden too: /proc mounted with hidepid
    // leaves their pids out of /proc entirely, so no fd folder was refused.
    const unseen = processes.length === 0 && s.inode !== '0'
    found.get(s.port)!.push({ ...s, processes, hidden: unseen && (hiddenPids > 0 || s.uid !== myUid) })
  }
  for (const rows of found.values())
    rows.sort((a, b) => stateRank(a) - stateRank(b) || a.family.localeCompare(b.family) || a.address.localeCompare(b.address))
  return found
}

export async function whoHolds(port: number, options: WhoOptions = {}): Promise<SocketHolder[]> {
  return (await holdersOf([port], options)).get(port)!
}
