import { describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCommand } from '../helpers/binary.ts'
import { freshStateDir, tempDirs } from '../helpers/temp.ts'

tempDirs()

const SMOKE = join(ROOT, 'test', 'runtimes', 'smoke.mjs')
const SOURCE = join(ROOT, 'index.ts')
const BUNDLE = join(ROOT, 'dist', 'lib', 'index.js')
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

  test('Deno runs the TypeScript source', () =>
    expectSmoke([DENO, 'run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', SMOKE, SOURCE]))
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

describe('persistence on every runtime', () => {
  const PERSIST = join(ROOT, 'test', 'runtimes', 'persist-smoke.mjs')
  const WORKS = { sticky: true, apart: true }
  const stateDir = freshStateDir

  test('Bun (bun:sqlite)', () => expectSmoke([process.execPath, PERSIST, SOURCE, stateDir()], WORKS))

  test('Deno (node:sqlite)', () =>
    expectSmoke(
      [DENO, 'run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys', PERSIST, SOURCE, stateDir()],
      WORKS,
    ))

  // Node gained node:sqlite in 22.13; on an older Node the error says what to do instead.
  const nodeVersion = Bun.spawnSync(['node', '--version']).stdout.toString().trim()
  const nodeHasSqlite =
    Bun.spawnSync(['node', '-e', "import('node:sqlite').then(() => process.exit(0), () => process.exit(1))"]).exitCode === 0
  test(`Node ${nodeVersion} (the bundle; node:sqlite ${nodeHasSqlite ? 'present' : 'absent'})`, async () => {
    const ran = await runCommand(['node', PERSIST, BUNDLE, stateDir()])
    expect(ran.code).toBe(0)
    const report = JSON.parse(ran.stdout)
    if (nodeHasSqlite) expect(report).toEqual(WORKS)
    else {
      expect(report.code).toBe('E_STATE')
      expect(report.message).toContain('Persistence needs node:sqlite')
      expect(report.message).toContain('use Node 22.13 or newer, Bun or Deno')
    }
  })
})

describe('the probe workers on every runtime', () => {
  const POOL = join(ROOT, 'test', 'runtimes', 'pool-smoke.mjs')
  const SAME = { same: true, busySeen: true }

  test('Bun (TypeScript task file)', () => expectSmoke([process.execPath, POOL, SOURCE], SAME))
  test('Node (the bundle and dist/lib/probe/workers/probe-task.js)', () => expectSmoke(['node', POOL, BUNDLE], SAME))
  test('Deno (TypeScript task file)', () =>
    expectSmoke([DENO, 'run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', POOL, SOURCE], SAME))
})
