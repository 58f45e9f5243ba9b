/**
 * File modes as a normal user with a careless umask (000): the state directory is 0700 and
 * every file in it, the SQLite -wal and -shm files too, is 0600. Root bypasses permission
 * checks, so these run as `nobody` through setpriv.
 */
import { describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, binary, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const NOBODY = 65534
const asNobody = (cmd: string[]) => [
  'setpriv',
  `--reuid=${NOBODY}`,
  `--regid=${NOBODY}`,
  '--clear-groups',
  'sh',
  '-c',
  'umask 000; exec "$@"',
  'sh',
  ...cmd,
]

const work = tempDirs()('berth-perms')
chmodSync(work, 0o755)
const home = join(work, 'home')

/** The binary, Bun and the fixture where nobody can run them: in place when reachable, else copied. */
function reachable(path: string): string {
  if (Bun.spawnSync(asNobody(['test', '-x', path])).exitCode === 0 || Bun.spawnSync(asNobody(['test', '-r', path])).exitCode === 0)
    return path
  const copy = join(work, path.split('/').pop()!)
  copyFileSync(path, copy)
  chmodSync(copy, 0o755)
  return copy
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8)

describe('as a non-root user with umask 000', () => {
  test('the state directory is 0700 and the registry, its -wal and -shm are 0600', async () => {
    const { mkdirSync } = await import('node:fs')
    mkdirSync(home, { mode: 0o755 })
    chownSync(home, NOBODY, NOBODY)
    const env = { HOME: home, XDG_STATE_HOME: '', BERTH_STATE_DIR: '' }
    const berth = reachable(binary())
    const base = await freeRange(2)
    const first = await runCommand(asNobody([berth, 'get', 'web', '--base', String(base)]), env, work)
    expect(first).toMatchObject({ code: 0, stdout: `${base}\n` })
    const state = join(home, '.local', 'state', 'berth')
    const db = join(state, 'registry.sqlite')
    // A second connection keeps the -wal and -shm files on disk while berth writes again.
    const reader = Bun.spawn(
      asNobody([reachable(process.execPath), reachable(join(ROOT, 'test/registry/fixtures/hold-transaction.ts')), db]),
      { stdout: 'pipe' },
    )
    expect(new TextDecoder().decode((await reader.stdout.getReader().read()).value)).toContain('open')
    const second = await runCommand(asNobody([berth, 'get', 'api', '--base', String(base)]), env, work)
    expect(second).toMatchObject({ code: 0, stdout: `${base + 1}\n` })
    const files = readdirSync(state).sort()
    reader.kill()
    await reader.exited
    expect(files).toEqual(['registry.sqlite', 'registry.sqlite-shm', 'registry.sqlite-wal'])
    expect(modeOf(state)).toBe('700')
    for (const file of files) expect([file, modeOf(join(state, file))]).toEqual([file, '600'])
    for (const file of files) expect(statSync(join(state, file)).uid).toBe(NOBODY)
  })

  test("another user's state directory is refused, not used", async () => {
    const rootOwned = join(work, 'root-state')
    mkdirSync(rootOwned, { mode: 0o755 })
    chmodSync(rootOwned, 0o755)
    const ran = await runCommand(asNobody([reachable(binary()), 'list']), { BERTH_STATE_DIR: rootOwned }, work)
    expect(ran.code).toBe(78)
    expect(ran.stderr).toContain(`it belongs to uid 0, not to this user (uid ${NOBODY})`)
  })
})
