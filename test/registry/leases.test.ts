/** Sticky ports, leases and their owners, and `berth list / release / gc`, through the compiled binary. */
import { afterEach, describe, expect, test } from 'bun:test'
import { binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const held: Array<{ close(): Promise<void> }> = []
const tempDir = tempDirs()
afterEach(() => closeAll(held))

/** A project folder and a registry of its own; `run` calls the binary from the project. */
function project() {
  const root = tempDir('berth-project')
  const env = { BERTH_STATE_DIR: freshStateDir() }
  return {
    root,
    env,
    run: (args: string[]) => runCommand([binary(), ...args], env, root),
    /** Runs berth from a short-lived shell, so the lease's owner is gone when it returns. */
    runFromShell: (args: string[]) => runCommand(['sh', '-c', '"$@"', 'sh', binary(), ...args], env, root),
  }
}

const leases = async (p: ReturnType<typeof project>) =>
  JSON.parse((await p.run(['list', '--json'])).stdout) as Array<Record<string, unknown>>

describe('sticky ports', () => {
  test('a service gets its last port again after a restart, even when the base port is free', async () => {
    const p = project()
    const base = await freeRange(10)
    const first = await hold('::', base)
    const before = await p.runFromShell(['get', 'web', '--base', String(base), '--max', String(base + 9)])
    expect(before.stdout).toBe(`${base + 1}\n`)
    await first.close()
    const again = await p.runFromShell(['get', 'web', '--base', String(base), '--max', String(base + 9)])
    expect(again).toMatchObject({ code: 0, stdout: `${base + 1}\n` })
    // Said as what it is: the port web had before, not its preferred one (issue 12, item 4).
    expect(again.stderr).toContain(`✅ [web] Allocated remembered port ${base + 1} (preferred: ${base}) after 1 attempt(s)`)
    const json = JSON.parse((await p.runFromShell(['get', 'web', '--base', String(base), '--max', String(base + 9), '--json'])).stdout)
    expect(json).toMatchObject({
      port: base + 1,
      preferredPort: base,
      usedPreferred: false,
      outcome: 'remembered',
      rememberedPort: base + 1,
    })
  })

  test('a remembered port taken by a foreign listener moves, with a warning that says why', async () => {
    const p = project()
    const base = await freeRange(10)
    expect((await p.runFromShell(['get', 'web', '--base', String(base)])).stdout).toBe(`${base}\n`)
    held.push(await hold('127.0.0.1', base))
    const moved = await p.runFromShell(['get', 'web', '--base', String(base)])
    expect(moved).toMatchObject({ code: 0, stdout: `${base + 1}\n` })
    expect(moved.stderr).toContain(`⚠️  [web] Port ${base}, remembered for web, is in use by another process: moved to ${base + 1}`)
    expect((await leases(p)).map((l) => [l.service, l.port])).toEqual([['web', base + 1]])
  })

  test('two checkouts (two project roots) remember separately', async () => {
    const a = project()
    const b = { ...project(), env: a.env }
    const base = await freeRange(10)
    const inA = await runCommand([binary(), 'get', 'web', '--base', String(base)], a.env, a.root)
    const inB = await runCommand([binary(), 'get', 'web', '--base', String(base)], a.env, b.root)
    expect(inA.stdout).toBe(`${base}\n`)
    // A's lease is owned by this test process, so it is active and B must not share the port.
    expect(inB.stdout).toBe(`${base + 1}\n`)
  })
})

describe('owners and states', () => {
  test('a lease owned by a running process is skipped by other services with the reason "leased"', async () => {
    const p = project()
    const base = await freeRange(10)
    // Called directly, the owner is this test process: alive for the whole test.
    expect((await p.run(['get', 'web', '--base', String(base)])).stdout).toBe(`${base}\n`)
    const api = JSON.parse((await p.run(['get', 'api', '--base', String(base), '--json'])).stdout)
    expect(api).toMatchObject({ port: base + 1, skipped: [{ port: base, reason: 'leased' }] })
    expect((await leases(p)).map((l) => l.state)).toEqual(['active', 'active'])
  })

  test('a dormant port is avoided while anything else is free, and taken over only when nothing else is', async () => {
    const p = project()
    const base = await freeRange(10)
    await p.runFromShell(['get', 'web', '--base', String(base)])
    expect((await leases(p))[0]).toMatchObject({ service: 'web', port: base, state: 'dormant' })
    const api = JSON.parse((await p.runFromShell(['get', 'api', '--base', String(base), '--json'])).stdout)
    expect(api).toMatchObject({ port: base + 1, skipped: [{ port: base, reason: 'dormant' }] })
    const db = await p.runFromShell(['get', 'db', '--base', String(base), '--max', String(base), '--json'])
    expect(JSON.parse(db.stdout)).toMatchObject({ port: base, skipped: [] })
    expect((await leases(p)).map((l) => [l.service, l.port]).sort()).toEqual([
      ['api', base + 1],
      ['db', base],
    ])
  })

  test('--ttl keeps a lease active after its owner exits; --owner names the owner', async () => {
    const p = project()
    const base = await freeRange(10)
    await p.runFromShell(['get', 'web', '--base', String(base), '--ttl', '1h'])
    const sleeper = Bun.spawn(['sleep', '30'])
    await p.run(['get', 'api', '--base', String(base), '--owner', String(sleeper.pid)])
    const [api, web] = await leases(p)
    expect(web).toMatchObject({ service: 'web', state: 'active', pid: null })
    expect(api).toMatchObject({ service: 'api', state: 'active', pid: sleeper.pid })
    sleeper.kill()
    await sleeper.exited
    expect((await leases(p))[0]).toMatchObject({ service: 'api', state: 'dormant' })
  })

  test('bad --ttl and --owner values are usage errors that name the value', async () => {
    const p = project()
    for (const [flag, value] of [
      ['--ttl', '1e3'],
      ['--ttl', '-5m'],
      ['--ttl', '10y'],
      ['--owner', 'abc'],
      ['--owner', '99999999'],
    ]) {
      const ran = await p.run(['get', 'web', `${flag}=${value}`])
      expect(ran).toMatchObject({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(flag === '--owner' && value === '99999999' ? 'no such process' : JSON.stringify(value))
    }
    expect((await p.run(['get', 'web', '--no-persist', '--ttl', '5m'])).code).toBe(2)
  })
})

describe('berth list / release / gc', () => {
  test('--no-persist records nothing; list shows project, service, port, host, pid and state', async () => {
    const p = project()
    const base = await freeRange(10)
    await p.run(['get', 'off', '--base', String(base), '--no-persist'])
    await p.run(['get', 'web', '--base', String(base), '--host', '127.0.0.1'])
    const [web] = await leases(p)
    expect(await leases(p)).toHaveLength(1)
    expect(web).toMatchObject({ project: p.root, service: 'web', port: base, host: '127.0.0.1', pid: process.pid, state: 'active' })
    const table = (await p.run(['list'])).stdout
    expect(table).toContain('SERVICE  PORT')
    expect(table).toContain(`web      ${base}  127.0.0.1  ${process.pid}  active  ${p.root}`)
  })

  test('release forgets a service of this project or whichever lease holds a port', async () => {
    const p = project()
    const base = await freeRange(10)
    await p.run(['get', 'web', '--base', String(base)])
    await p.run(['get', 'api', '--base', String(base)])
    expect(await p.run(['release', 'web'])).toMatchObject({ code: 0, stderr: `Released web (port ${base}) in ${p.root}\n` })
    expect(await p.run(['release', String(base + 1)])).toMatchObject({ code: 0 })
    expect(await leases(p)).toEqual([])
    expect((await p.run(['release', 'web'])).code).toBe(1)
    expect((await p.run(['release', '65536'])).code).toBe(2)
  })

  test('gc forgets dormant leases whose ports are free, and keeps busy and active ones', async () => {
    const p = project()
    const base = await freeRange(10)
    await p.runFromShell(['get', 'gone', '--base', String(base)])
    await p.runFromShell(['get', 'busy', '--base', String(base)])
    await p.run(['get', 'live', '--base', String(base)])
    held.push(await hold('::', base + 1))
    const gc = await p.run(['gc', '--json'])
    expect(JSON.parse(gc.stdout).map((l: { service: string }) => l.service)).toEqual(['gone'])
    expect((await leases(p)).map((l) => l.service)).toEqual(['busy', 'live'])
  })
})
