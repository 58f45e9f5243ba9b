import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ipv6Bytes } from '../../probe/ip.ts'
import { checkPortsWith, probeHosts } from '../../probe/check.ts'
import { loadRawBinder } from '../../probe/raw-bind.ts'
import { runCommand } from '../helpers/binary.ts'
import { CONSUMERS, HOLDERS, canBind, closeAll, hold, holdRange, holderLabel, type Held } from '../helpers/sockets.ts'

const held: Held[] = []
afterEach(() => closeAll(held))

const linux = process.platform === 'linux'

async function rawBinder() {
  const raw = await loadRawBinder()
  if (!raw) throw new Error('the raw binder did not load under Bun on Linux')
  return raw
}

describe.skipIf(!linux)('the raw binder (libc through bun:ffi) answers as Bun.listen does', () => {
  for (const holder of HOLDERS) {
    const label = holderLabel(holder)
    test(`a listener on ${label}: busy by default, and every --host as a real bind says`, async () => {
      const raw = await rawBinder()
      const h = await hold(holder.host, 0, holder)
      held.push(h)
      const [byRaw] = await checkPortsWith(raw, [h.port], probeHosts(undefined))
      const [byListen] = await checkPortsWith(undefined, [h.port], probeHosts(undefined))
      expect(byRaw).toEqual({ port: h.port, free: false, reason: 'in-use', host: '::', code: 'EADDRINUSE' })
      expect(byRaw).toEqual(byListen!)
      for (const consumer of CONSUMERS) {
        const [answer] = await checkPortsWith(raw, [h.port], probeHosts(consumer))
        expect({ consumer, free: answer!.free }).toEqual({ consumer, free: await canBind(h.port, consumer) })
      }
    })
  }

  const canUnshare = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/sbin/ip')
  test.skipIf(!canUnshare)('where new IPv6 sockets start IPv6-only (bindv6only=1), IPv4 listeners are still seen', async () => {
    const fixture = join(import.meta.dir, 'fixtures', 'raw-bind-v6only.ts')
    const script = `ip link set lo up && sysctl -qw net.ipv6.bindv6only=1 && exec "${process.execPath}" "${fixture}"`
    const ran = await runCommand(['unshare', '-n', 'sh', '-c', script])
    expect(ran.stderr).toBe('')
    expect(JSON.parse(ran.stdout)).toEqual({ loaded: true, busy: true, reason: 'in-use' })
  })

  test('its socket options survive garbage collection (a saved pointer once read freed memory)', async () => {
    const raw = await rawBinder()
    const h = await hold('127.0.0.1')
    held.push(h)
    for (let i = 0; i < 20; i++) {
      // Fill the heap with small typed arrays, collect, and check again.
      Array.from({ length: 5000 }, (_, k) => new Int32Array([k + 1, k, k]))
      Bun.gc(true)
      const [answer] = await checkPortsWith(raw, [h.port], probeHosts(undefined))
      expect(answer!.free).toBe(false)
    }
  })

  test('one batch: the same answers as one Bun.listen per port, and nothing is left bound', async () => {
    const raw = await rawBinder()
    const range = await holdRange(40)
    held.push({ port: range.from, host: '::', close: range.close })
    const ports = Array.from({ length: 50 }, (_, i) => range.from + i)
    const hosts = probeHosts(undefined)
    const byRaw = await checkPortsWith(raw, ports, hosts)
    expect(byRaw).toEqual(await checkPortsWith(undefined, ports, hosts))
    expect(byRaw.filter((r) => r.free).length).toBeGreaterThan(0)
    for (const r of byRaw.filter((r) => r.free)) expect(await canBind(r.port, '::')).toBe(true)
  })

  test('untilFree stops right after the first free port', async () => {
    const raw = await rawBinder()
    const range = await holdRange(10)
    held.push({ port: range.from, host: '::', close: range.close })
    const ports = Array.from({ length: 12 }, (_, i) => range.from + i)
    const answers = await checkPortsWith(raw, ports, probeHosts(undefined), undefined, { untilFree: true })
    const firstFree = answers.findIndex((r) => r.free)
    expect(firstFree).toBeGreaterThanOrEqual(10)
    expect(answers.length).toBe(firstFree + 1)
  })

  test('claimNow: the first free port it refuses is passed over, the one it takes ends the batch', async () => {
    const raw = await rawBinder()
    const range = await holdRange(4)
    held.push({ port: range.from, host: '::', close: range.close })
    const ports = Array.from({ length: 12 }, (_, i) => range.from + i)
    const offered: number[] = []
    const claimNow = (port: number) => offered.push(port) > 1
    const answers = await checkPortsWith(raw, ports, probeHosts(undefined), undefined, { untilFree: true, claimNow })
    const free = answers.filter((r) => r.free).map((r) => r.port)
    expect(offered).toEqual(free)
    expect(free.length).toBe(2)
    expect(answers.at(-1)!.port).toBe(free[1]!)
  })
})

describe('IPv6 text to bytes (for the raw binder)', () => {
  const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('hex') : null)
  test('compressed, full and IPv4-embedded forms', () => {
    expect(hex(ipv6Bytes('::'))).toBe('0'.repeat(32))
    expect(hex(ipv6Bytes('::1'))).toBe(`${'0'.repeat(31)}1`)
    expect(hex(ipv6Bytes('1:2:3:4:5:6:7:8'))).toBe('00010002000300040005000600070008')
    expect(hex(ipv6Bytes('fe80::1'))).toBe(`fe80${'0'.repeat(27)}1`)
    expect(hex(ipv6Bytes('::ffff:127.0.0.1'))).toBe(`${'0'.repeat(20)}ffff7f000001`)
  })
  test('anything else is not an address', () => {
    for (const bad of ['127.0.0.1', ':::', '1::2::3', 'fe80::1%lo', '']) expect(ipv6Bytes(bad)).toBeNull()
  })
})
