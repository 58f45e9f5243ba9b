/** The /proc socket tables as the kernel writes them, and the container id in a cgroup path. */
import { describe, expect, test } from 'bun:test'
import { containerIdFromCgroup } from '../../probe/owners.ts'
import { addressFromHex, parseTable, readSockets } from '../../probe/sockets.ts'
import { whoHolds } from '../../probe/who.ts'
import { closeAll, hold } from '../helpers/sockets.ts'

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'

describe('/proc/net tables', () => {
  test('addresses: IPv4 little-endian, IPv6 in four little-endian words, v4-mapped, zero runs as ::', () => {
    expect(addressFromHex('0100007F')).toBe('127.0.0.1')
    expect(addressFromHex('00000000')).toBe('0.0.0.0')
    expect(addressFromHex('00000000000000000000000001000000')).toBe('::1')
    expect(addressFromHex('00000000000000000000000000000000')).toBe('::')
    expect(addressFromHex('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1')
    // 2001:db8::1 as /proc/net/tcp6 prints it.
    expect(addressFromHex('B80D0120000000000000000001000000')).toBe('2001:db8::1')
  })

  test('the exact port only (5000 is not 50000), the state, uid, inode and backlog', () => {
    const text = `${HEADER}   0: 0100007F:1388 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0
   1: 0100007F:C350 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 100 0 0 10 0
   2: 0100007F:1388 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0 20 4 30 10 -1
`
    const rows = parseTable(text, 'tcp', 'ipv4', 5000)
    expect(rows).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 5000, state: 'LISTEN', uid: 1000, inode: '4242', rxQueue: 3 },
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 5000, state: 'ESTABLISHED', uid: 1000, inode: '4444', rxQueue: 0 },
    ])
    const udp = parseTable(
      `${HEADER}  7: 0100007F:1388 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5555 2 0 0\n`,
      'udp',
      'ipv4',
    )
    expect(udp[0]!.state).toBe('UNCONN')
  })

  test('a real listener is found in the tables and attributed to this process', async () => {
    const held = [await hold('::1', 0, { ipv6Only: true })]
    try {
      const port = held[0]!.port
      expect((await readSockets({ port })).map((s) => [s.family, s.address, s.state])).toEqual([['ipv6', '::1', 'LISTEN']])
      const [row] = await whoHolds(port)
      expect(row!.processes.map((p) => p.pid)).toEqual([process.pid])
    } finally {
      await closeAll(held)
    }
  })

  test('container ids from Docker and Podman cgroup paths', () => {
    const id = 'a'.repeat(64)
    expect(containerIdFromCgroup(`0::/system.slice/docker-${id}.scope\n`)).toBe('a'.repeat(12))
    expect(containerIdFromCgroup(`12:pids:/docker/${id}\n`)).toBe('a'.repeat(12))
    expect(containerIdFromCgroup(`0::/machine.slice/libpod-${id}.scope/container\n`)).toBe('a'.repeat(12))
    expect(containerIdFromCgroup('0::/user.slice/user-1000.slice/session-2.scope\n')).toBeNull()
  })
})
