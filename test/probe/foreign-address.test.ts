/**
 * An address asked for by name that this machine does not have (8.8.8.8, 192.0.2.1, fd00::99,
 * fe80::1 without a zone) is `unavailable`, never free, and `get` says so with exit 2 instead of
 * "expand the port range". Only local binds: binding such an address fails with EADDRNOTAVAIL
 * (EINVAL for the zoneless link-local one) and sends nothing.
 */
import { describe, expect, test } from 'bun:test'
import { allocatePort, isPortAvailable } from '../../index.ts'
import { checkPort, probeHosts } from '../../probe/check.ts'
import { checkPortsWith } from '../../probe/check.ts'
import { loadRawBinder } from '../../probe/raw-bind.ts'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli } from '../helpers/cli.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

const FOREIGN = ['8.8.8.8', '192.0.2.1', 'fd00::99', 'fe80::1']

describe('an address that is not on this machine', () => {
  test('the probe answers unavailable with the errno, with either binder', async () => {
    const port = await freeRange(1)
    const raw = await loadRawBinder()
    for (const host of FOREIGN) {
      expect([host, await isPortAvailable(port, host)]).toEqual([host, false])
      expect(await checkPort(port, probeHosts(host))).toMatchObject({ free: false, reason: 'unavailable', host })
      if (raw) expect((await checkPortsWith(raw, [port], probeHosts(host)))[0]).toMatchObject({ free: false, reason: 'unavailable', host })
    }
  })

  test('allocatePort refuses it by name instead of walking the range', async () => {
    const base = await freeRange(1)
    for (const host of FOREIGN) {
      const failed = allocatePort({ serviceName: 'web', basePort: base, host })
      await expect(failed).rejects.toMatchObject({ code: 'E_INVALID_OPTIONS', message: expect.stringContaining(host) })
    }
  })

  test('berth check prints unavailable (exit 1); berth get exits 2 naming the address; a local address still works', async () => {
    const base = await freeRange(1)
    const checked = await cli(['check', String(base), '--host', '8.8.8.8'])
    expect(checked).toMatchObject({
      code: 1,
      stdout: `${base} unavailable (8.8.8.8 is not an address of this machine (EADDRNOTAVAIL): no server can listen there; use an address of this machine, or no host)\n`,
    })
    const v4 = await cli(['get', 'web', '--base', String(base), '--host', '192.0.2.1'])
    expect(v4).toMatchObject({ code: 2, stdout: '' })
    expect(v4.stderr).toContain('192.0.2.1 is not an address of this machine')
    const linkLocal = await cli(['get', 'web', '--base', String(base), '--host', 'fe80::1'])
    expect(linkLocal).toMatchObject({ code: 2, stdout: '' })
    expect(linkLocal.stderr).toContain('fe80::1 is not available on this machine (EINVAL): a link-local address needs a zone')
    expect(linkLocal.stderr).not.toContain('expand')
    expect(await cli(['get', 'web', '--base', String(base), '--host', '127.0.0.1', '--no-persist'])).toMatchObject({
      code: 0,
      stdout: `${base}\n`,
    })
  })

  test('berth up refuses a service whose host is not on this machine (exit 2), with nothing exported', async () => {
    const base = await freeRange(1)
    const dir = tempDir('berth-host')
    writeFileSync(
      join(dir, 'berth.config.json'),
      JSON.stringify({ environments: { development: { services: { web: { base, env: 'PORT', host: '8.8.8.8' } } } } }),
    )
    const ran = await cli(['up', '--no-persist'], { env: { NODE_ENV: '' }, cwd: dir })
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('8.8.8.8 is not an address of this machine (EADDRNOTAVAIL)')
  })
})
