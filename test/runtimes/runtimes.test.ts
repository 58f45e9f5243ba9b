import { describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCommand } from '../helpers/binary.ts'

const SMOKE = join(ROOT, 'test', 'runtimes', 'smoke.mjs')
const SOURCE = join(ROOT, 'core', 'index.ts')
const BUNDLE = join(ROOT, 'dist', 'lib', 'core', 'index.js')
const DENO = join(ROOT, 'node_modules', '.bin', 'deno')
const EXPECTED = { busyIsBusy: true, v6Seen: true, fallbackMoved: true, distinct: 4, invalid: 'E_INVALID_OPTIONS' }

async function expectSmoke(cmd: string[], expected: object = EXPECTED) {
  const ran = await runCommand(cmd)
  expect(ran.stderr).toBe('')
  expect(ran.code).toBe(0)
  expect(JSON.parse(ran.stdout)).toEqual(expected)
}

describe('the library on every runtime', () => {
  test('Bun runs the TypeScript source', () => expectSmoke([process.execPath, SMOKE, SOURCE]))

  test('Node runs the built bundle', () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" first`)
    return expectSmoke(['node', SMOKE, BUNDLE])
  })

  test('Deno runs the TypeScript source', () => expectSmoke([DENO, 'run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', SMOKE, SOURCE]))
})

// A machine without IPv6: a fresh network namespace with IPv6 switched off (needs root, as CI has).
const canUnshare = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync('/usr/sbin/ip')

describe('a machine without IPv6', () => {
  test.skipIf(!canUnshare)('allocation and checks still work', async () => {
    const script = [
      'ip link set lo up',
      'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1',
      // Prove IPv6 really is gone before trusting the result.
      '! ip -6 addr show dev lo | grep -q inet6',
      `exec "${process.execPath}" "${SMOKE}" "${SOURCE}"`,
    ].join(' && ')
    await expectSmoke(['unshare', '-n', 'sh', '-c', script], { ...EXPECTED, v6Seen: 'no IPv6 here' })
  })
})
