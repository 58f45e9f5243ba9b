/**
 * The kernel's socket tables, /proc/net/{tcp,tcp6,udp,udp6}: every socket of this network
 * namespace with its local address, state, uid and inode. Readable by every user (the pids
 * behind the inodes are not: see owners.ts). Linux only; elsewhere the tables are empty.
 */
import { readProc } from './proc.ts'

export type Protocol = 'tcp' | 'udp'
export type Family = 'ipv4' | 'ipv6'

export interface SocketEntry {
  protocol: Protocol
  family: Family
  /** The local address as written: `127.0.0.1`, `::`, `::ffff:127.0.0.1`. */
  address: string
  port: number
  /** `LISTEN`, `ESTABLISHED`, `TIME_WAIT`…; an unconnected UDP socket is `UNCONN`. */
  state: string
  uid: number
  inode: string
  /** For a listener: connections waiting to be accepted. */
  rxQueue: number
}

/** include/net/tcp_states.h, in the order of their numbers (1 to 11). */
const TCP_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
]

/** One little-endian 32-bit word of hex, as /proc prints addresses, to its 4 bytes in network order. */
const wordBytes = (hex: string) => [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))

function ipv6Text(bytes: number[]): string {
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return `::ffff:${bytes.slice(12).join('.')}`
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16))
  // The longest run of zero groups (two or more) becomes "::", as RFC 5952 writes it.
  let best = { at: -1, length: 1 }
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > best.length) best = { at: i, length: j - i }
    i = j
  }
  if (best.at < 0) return groups.join(':')
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`
}

/** `0100007F` → `127.0.0.1`; 32 hex digits → an IPv6 address. */
export function addressFromHex(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.')
  const bytes: number[] = []
  for (let word = 0; word < 4; word++) bytes.push(...wordBytes(hex.slice(word * 8, word * 8 + 8)))
  return ipv6Text(bytes)
}

/** Parses one table's text; `port`, when given, keeps only that exact port. */
export function parseTable(text: string, protocol: Protocol, family: Family, port?: number): SocketEntry[] {
  const entries: SocketEntry[] = []
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/)
    if (fields.length < 10) continue
    const [addressHex, portHex] = fields[1]!.split(':') as [string, string]
    const localPort = Number.parseInt(portHex, 16)
    if (port !== undefined && localPort !== port) continue
    const stateNumber = Number.parseInt(fields[3]!, 16)
    // A UDP socket that is not connected is in TCP's CLOSE state (7) in the table.
    const state = protocol === 'udp' && stateNumber === 7 ? 'UNCONN' : (TCP_STATES[stateNumber - 1] ?? `STATE_${fields[3]}`)
    entries.push({
      protocol,
      family,
      address: addressFromHex(addressHex),
      port: localPort,
      state,
      uid: Number(fields[7]),
      inode: fields[9]!,
      rxQueue: Number.parseInt(fields[4]!.split(':')[1] ?? '0', 16),
    })
  }
  return entries
}

export interface SocketQuery {
  /** Only this exact port (the tables are still read whole: the kernel has no filter). */
  port?: number
  protocols?: readonly Protocol[]
}

/** Every socket of the asked protocols; a missing table (IPv6 off) is simply empty. */
export async function readSockets(query: SocketQuery = {}): Promise<SocketEntry[]> {
  const protocols = query.protocols ?? ['tcp']
  const tables = protocols.flatMap((protocol) => [
    { protocol, family: 'ipv4' as const, path: `/proc/net/${protocol}` },
    { protocol, family: 'ipv6' as const, path: `/proc/net/${protocol}6` },
  ])
  const texts = await Promise.all(tables.map((t) => readProc(t.path)))
  return tables.flatMap((t, i) => parseTable(texts[i]!, t.protocol, t.family, query.port))
}
