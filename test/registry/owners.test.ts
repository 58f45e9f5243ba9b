/** A lease never goes dormant while a process it was handed to still runs: several owners, and owners in pid namespaces. */
import { afterEach, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const running: Array<{ kill(signal?: number | NodeJS.Signals): void; exited: Promise<number> }> = []
afterEach(async () => {
  for (const proc of running.splice(0)) {
    proc.kill('SIGKILL')
    await proc.exited
  }
})

function project() {
  const root = tempDir('berth-owners')
  const state = freshStateDir()
  const run = (args: string[], cmd: string[] = []) => runCommand([...cmd, binary(), ...args], { BERTH_STATE_DIR: state }, root)
  const leases = async (cmd: string[] = []) => JSON.parse((await run(['list', '--json'], cmd)).stdout) as Array<Record<string, unknown>>
  return { root, state, run, leases }
}

const sleeper = () => {
  const proc = Bun.spawn(['sleep', '60'])
  running.push(proc)
  return proc
}

async function stop(proc: { kill(signal?: number | NodeJS.Signals): void; exited: Promise<number> }) {
  proc.kill('SIGKILL')
  await proc.exited
}

describe('a second live owner of the same service', () => {
  test('gets the same port and joins the lease, which stays active until the last owner exits', async () => {
    const p = project()
    const base = await freeRange(1)
    const [a, c] = [sleeper(), sleeper()]
    expect((await p.run(['get', 'web', '--base', String(base), '--owner', String(a.pid)])).stdout).toBe(`${base}\n`)
    expect((await p.run(['get', 'web', '--base', String(base), '--owner', String(c.pid)])).stdout).toBe(`${base}\n`)
    expect((await p.leases())[0]).toMatchObject({ service: 'web', port: base, pid: c.pid, owners: [c.pid, a.pid], state: 'active' })
    await stop(c)
    // A still runs with the port it was handed: nobody else may get it.
    expect((await p.leases())[0]).toMatchObject({ state: 'active' })
    const api = await p.run(['get', 'api', '--base', String(base), '--max', String(base), '--json'])
    expect(api.code).toBe(1)
    await stop(a)
    expect((await p.leases())[0]).toMatchObject({ service: 'web', state: 'dormant' })
  })

  test('when the service moves, the old port stays leased (as "<service>@<port>") while an earlier owner runs', async () => {
    const p = project()
    const base = await freeRange(12)
    const [a, c] = [sleeper(), sleeper()]
    expect((await p.run(['get', 'web', '--base', String(base), '--max', String(base + 5), '--owner', String(a.pid)])).stdout).toBe(
      `${base}\n`,
    )
    // A range without the remembered port: the service moves.
    expect((await p.run(['get', 'web', '--base', String(base + 6), '--owner', String(c.pid)])).stdout).toBe(`${base + 6}\n`)
    expect((await p.leases()).map((l) => [l.service, l.port, l.pid, l.state])).toEqual([
      ['web', base + 6, c.pid, 'active'],
      [`web@${base}`, base, a.pid, 'active'],
    ])
    expect((await p.run(['get', 'api', '--base', String(base), '--max', String(base)])).code).toBe(1)
    await stop(a)
    expect((await p.leases())[1]).toMatchObject({ service: `web@${base}`, state: 'dormant' })
  })

  test('an owner asking again is recorded once', async () => {
    const p = project()
    const base = await freeRange(1)
    const a = sleeper()
    for (let i = 0; i < 3; i++) await p.run(['get', 'web', '--base', String(base), '--owner', String(a.pid)])
    expect((await p.leases())[0]).toMatchObject({ pid: a.pid, owners: [a.pid] })
  })
})

const canUnshare = process.getuid?.() === 0 && existsSync('/usr/bin/unshare')

describe.skipIf(!canUnshare)('owners in another pid namespace (unshare --pid --fork --mount-proc)', () => {
  test('a lease made inside a namespace stays active from the host while its owner runs there, and goes dormant after', async () => {
    const p = project()
    const base = await freeRange(1)
    // Inside, the shell is pid 1 and owns the lease; `exec cat` keeps that pid (and its start time)
    // running until its stdin closes, and unshare waits for it before it exits.
    const inside = Bun.spawn(
      [
        'unshare',
        '--pid',
        '--fork',
        '--mount-proc',
        'sh',
        '-c',
        '"$0" get web --base "$1" -q && exec cat >/dev/null',
        binary(),
        String(base),
      ],
      { cwd: p.root, env: { ...process.env, BERTH_STATE_DIR: p.state }, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' },
    )
    running.push(inside)
    const reader = inside.stdout.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(`${base}\n`)
    const [web] = await p.leases()
    expect(web).toMatchObject({ service: 'web', pid: 1, state: 'active' })
    const api = await p.run(['get', 'api', '--base', String(base), '--max', String(base), '--json'])
    expect(api.code).toBe(1)
    inside.stdin.end()
    expect(await inside.exited).toBe(0)
    expect((await p.leases())[0]).toMatchObject({ service: 'web', state: 'dormant' })
  })

  test('seen from inside a namespace, a lease made outside is active (its owner cannot be seen) until the TTL for unknown owners', async () => {
    const p = project()
    const base = await freeRange(1)
    // Owned by this test process, which a new namespace cannot see.
    expect((await p.run(['get', 'web', '--base', String(base)])).stdout).toBe(`${base}\n`)
    const unshare = ['unshare', '--pid', '--fork', '--mount-proc']
    expect((await p.leases(unshare))[0]).toMatchObject({ service: 'web', state: 'active' })
    // Through a shell: berth's parent (the lease's owner) must be inside the namespace too.
    const inside = await p.run(['get', 'api', '--base', String(base), '--max', String(base)], [...unshare, 'sh', '-c', '"$@"', 'sh'])
    expect(inside.code).toBe(1)
    // Renewed 25 hours ago: past the TTL for owners that cannot be seen, so dormant from inside, still active outside.
    const db = new Database(join(p.state, 'registry.sqlite'))
    db.run('UPDATE leases SET renewed_at = ?', [Date.now() - 25 * 3_600_000])
    db.close()
    expect((await p.leases(unshare))[0]).toMatchObject({ state: 'dormant' })
    expect((await p.leases())[0]).toMatchObject({ state: 'active' })
  })
})

describe.skipIf(!canUnshare)('berth as pid 1 of a namespace (its parent is outside)', () => {
  test('gets a port, leased to itself, instead of refusing owner 0', async () => {
    const p = project()
    const base = await freeRange(1)
    const ran = await p.run(['get', 'web', '--base', String(base)], ['unshare', '--pid', '--fork', '--mount-proc'])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect((await p.leases())[0]).toMatchObject({ service: 'web', port: base, pid: 1, state: 'dormant' })
  })
})
