/**
 * A shared registry for a group of users (BERTH_SHARED_STATE_DIR): two real users, root and
 * nobody (given the group through setpriv), allocate at once and never share a port; leases
 * show their user; each user releases and forgets only their own.
 */
import { describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadBuiltins } from '../../registry/builtins.ts'
import { ensureStateDir } from '../../registry/dir.ts'
import { prepareFile } from '../../registry/files.ts'
import { REGISTRY_FILE } from '../../registry/open.ts'
import { binary, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { NOBODY, asNobody, asUser, isRoot } from '../helpers/users.ts'

const tempDir = tempDirs()
/** A group that need not exist in /etc/group: setpriv hands out numeric groups. */
const GROUP = 4242

function sharedDir(mode = 0o2770) {
  const work = tempDir('berth-shared')
  chmodSync(work, 0o755)
  const shared = join(work, 'shared')
  mkdirSync(shared)
  chownSync(shared, 0, GROUP)
  chmodSync(shared, mode)
  const env = { BERTH_STATE_DIR: '', BERTH_SHARED_STATE_DIR: shared }
  const asRoot = (args: string[]) => runCommand([binary(), ...args], env, work)
  const asMember = (args: string[]) => runCommand(asUser(NOBODY, NOBODY, [binary(), ...args], [GROUP]), env, work)
  const asOutsider = (args: string[]) => runCommand(asNobody([binary(), ...args]), env, work)
  return { work, shared, asRoot, asMember, asOutsider }
}

describe.skipIf(!isRoot)('a shared registry', () => {
  test('root and another user allocating at once, even for services of the same names, never share a port', async () => {
    const s = sharedDir()
    const base = await freeRange(40)
    const args = (n: number) => ['get', `web${n}`, '--base', String(base), '--max', String(base + 39), '-q']
    const runs = await Promise.all(Array.from({ length: 8 }, (_, n) => [s.asRoot(args(n)), s.asMember(args(n))]).flat())
    expect(runs.filter((r) => r.code !== 0)).toEqual([])
    expect(runs.filter((r) => !/^(⚠️ .* Allocated fallback port .*\n)?$/.test(r.stderr))).toEqual([])
    const ports = runs.map((r) => Number(r.stdout))
    expect(new Set(ports).size).toBe(16)

    const leases = JSON.parse((await s.asMember(['list', '--json'])).stdout) as Array<{ service: string; uid: number; port: number }>
    expect(leases).toHaveLength(16)
    expect(leases.filter((l) => l.uid === 0)).toHaveLength(8)
    expect(leases.filter((l) => l.uid === NOBODY)).toHaveLength(8)
    // The files are the group's, 0660, whoever created them.
    for (const name of readdirSync(s.shared)) {
      const stat = statSync(join(s.shared, name))
      expect([name, stat.gid, (stat.mode & 0o777).toString(8)]).toEqual([name, GROUP, '660'])
    }
    // Leases show their user.
    const table = (await s.asMember(['list'])).stdout
    expect(table.split('\n')[0]).toContain('USER')
    expect(table).toMatch(/web0 .* root /)
    expect(table).toMatch(/web0 .* nobody /)
  }, 30_000)

  test("a user releases and forgets only their own leases; root may release anyone's", async () => {
    const s = sharedDir()
    const base = await freeRange(3)
    // A root lease whose owner has exited: dormant, and its port free.
    const owner = Bun.spawn(['sleep', '30'])
    expect((await s.asRoot(['get', 'old', '--base', String(base), '--owner', String(owner.pid), '-q'])).code).toBe(0)
    owner.kill()
    await owner.exited
    expect((await s.asRoot(['get', 'kept', '--base', String(base + 1), '--ttl', '1h', '-q'])).stdout).toBe(`${base + 1}\n`)

    const release = await s.asMember(['release', String(base + 1)])
    expect(release.code).toBe(1)
    expect(release.stderr).toContain(
      `Port ${base + 1} is leased to kept of user root in the shared registry: only that user (or root) can release it`,
    )
    const gc = await s.asMember(['gc'])
    expect(gc.code).toBe(0)
    expect(gc.stderr).toContain('Forgot 0 leases')
    expect(gc.stderr).toContain('Left 1 dormant lease of other users alone')
    const services = async () =>
      (JSON.parse((await s.asRoot(['list', '--json'])).stdout) as Array<{ service: string }>).map((l) => l.service)
    expect(await services()).toEqual(['kept', 'old'])

    expect((await s.asRoot(['gc'])).stderr).toContain('Forgot 1 lease old')
    expect((await s.asRoot(['release', String(base + 1)])).code).toBe(0)
    expect(await services()).toEqual([])
  }, 30_000)

  test('its -wal and -shm are made group-writable before SQLite opens them, whatever the umask', async () => {
    // SQLite makes them with the umask applied and fixes the mode a moment later: a member that
    // opened one in that moment could not write it (exit 78 under load, about 1 run in 40).
    const s = sharedDir()
    await loadBuiltins()
    const before = process.umask(0o077)
    try {
      prepareFile(join(s.shared, REGISTRY_FILE), ensureStateDir(s.shared))
    } finally {
      process.umask(before)
    }
    for (const suffix of ['', '-wal', '-shm']) {
      const stat = statSync(join(s.shared, REGISTRY_FILE + suffix))
      expect([suffix, stat.mode & 0o777, stat.gid]).toEqual([suffix, 0o660, GROUP])
    }
    const base = await freeRange(2)
    expect((await s.asMember(['get', 'web', '--base', String(base), '--max', String(base + 1), '-q'])).code).toBe(0)
  })

  test('refused: a user outside the group, a world-writable directory, a directory that is not set up', async () => {
    const s = sharedDir()
    const outsider = await s.asOutsider(['list'])
    expect(outsider.code).toBe(78)
    expect(outsider.stderr).toContain(
      `Refusing the state directory ${s.shared}: it is shared with group ${GROUP}, which this user (uid ${NOBODY}) is not in`,
    )

    const loose = sharedDir(0o2777)
    const open = await loose.asMember(['list'])
    expect(open.code).toBe(78)
    expect(open.stderr).toContain(`Refusing the state directory ${loose.shared}: it is writable by every user (mode 2777)`)

    const missing = join(s.work, 'missing')
    const none = await runCommand([binary(), 'list'], { BERTH_STATE_DIR: '', BERTH_SHARED_STATE_DIR: missing }, s.work)
    expect(none.code).toBe(78)
    expect(none.stderr).toContain(
      `BERTH_SHARED_STATE_DIR ${missing} does not exist: an administrator creates it: mkdir ${missing} && chgrp GROUP ${missing} && chmod 2770 ${missing}`,
    )
  })
})
