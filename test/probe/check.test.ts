import { afterEach, describe, expect, test } from 'bun:test'
import { checkPort, probeHosts } from '../../probe/check.ts'
import { isPortAvailable } from '../../index.ts'
import { CONSUMERS, HOLDERS, canBind, closeAll, hold, holderLabel, type Held } from '../helpers/sockets.ts'

const held: Held[] = []
afterEach(() => closeAll(held))

describe('probe: the address-family matrix', () => {
  for (const holder of HOLDERS) {
    const label = holderLabel(holder)

    test(`a listener on ${label} makes the port busy by default`, async () => {
      const h = await hold(holder.host, 0, holder)
      held.push(h)
      expect(await isPortAvailable(h.port)).toBe(false)
      const result = await checkPort(h.port, probeHosts(undefined))
      expect(result).toMatchObject({ free: false, reason: 'in-use', code: 'EADDRINUSE' })
    })

    test(`with a listener on ${label}, --host answers exactly what a real bind would`, async () => {
      const h = await hold(holder.host, 0, holder)
      held.push(h)
      for (const consumer of CONSUMERS) {
        const probeSays = await isPortAvailable(h.port, consumer)
        const bindSays = await canBind(h.port, consumer)
        expect({ consumer, free: probeSays }).toEqual({ consumer, free: bindSays })
      }
    })
  }

  test('a free port is free on every host, and the probe leaves nothing bound', async () => {
    const h = await hold('::')
    await h.close()
    expect(await isPortAvailable(h.port)).toBe(true)
    for (const consumer of CONSUMERS) expect(await isPortAvailable(h.port, consumer)).toBe(true)
    // The probe closed what it opened: a real server can take the port right after.
    expect(await canBind(h.port, '::')).toBe(true)
  })

  test('localhost means both loopback addresses and their wildcards, never a DNS answer', () => {
    expect(probeHosts('localhost', 'linux')).toEqual(probeHosts(undefined, 'linux'))
    expect(probeHosts(undefined, 'darwin')).toEqual(['::', '0.0.0.0', '127.0.0.1', '::1'])
    expect(probeHosts('127.0.0.2', 'darwin')).toEqual(['127.0.0.2', '0.0.0.0'])
  })

  test('a host that is not an IP address is refused by name', () => {
    expect(() => probeHosts('example.invalid')).toThrow('Invalid host "example.invalid"')
  })

  test('isPortAvailable rejects a port that is not a port', async () => {
    for (const bad of [0, -1, 65536, 3000.5, Number.NaN]) {
      await expect(isPortAvailable(bad)).rejects.toThrow(`got ${bad}`)
    }
  })
})

describe('host validation', () => {
  test('malformed addresses are refused before any bind, valid ones accepted', () => {
    for (const bad of [':::', '1:2:3', '1::2::3', '12345::', '256.0.0.1', '1.2.3', 'fe80::1%eth0', '']) {
      expect(() => probeHosts(bad)).toThrow(`Invalid host ${JSON.stringify(bad)}`)
    }
    for (const good of ['::', '::1', '1:2:3:4:5:6:7:8', 'fe80::1', '::ffff:127.0.0.1', '127.0.0.1', '0.0.0.0']) {
      expect(probeHosts(good).length).toBeGreaterThan(0)
    }
  })
})
