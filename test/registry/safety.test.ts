/** The registry file under attack and accident: symlinks, corruption, a newer schema, a killed writer, a racing first run. */
import { describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRegistry } from '../../registry/registry.ts'
import { SCHEMA_VERSION } from '../../registry/schema.ts'
import { ROOT, binary, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

function stateDir() {
  const root = tempDir('berth-safety')
  const state = join(root, 'state')
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCommand([binary(), ...args], { BERTH_STATE_DIR: state, ...env }, root)
  return { root, state, db: join(state, 'registry.sqlite'), run }
}

describe('the registry file', () => {
  test('a symlink at the database path is refused, and its target is left alone', async () => {
    const s = stateDir()
    mkdirSync(s.state, { mode: 0o700 })
    const target = join(s.root, 'victim.txt')
    writeFileSync(target, 'precious')
    symlinkSync(target, s.db)
    const ran = await s.run(['get', 'web', '--base', String(await freeRange(1))])
    expect(ran).toMatchObject({ code: 78, stdout: '' })
    expect(ran.stderr).toContain(`Refusing the registry ${s.db}: it is a symlink`)
    expect(readFileSync(target, 'utf8')).toBe('precious')
  })

  test('a state directory that is a symlink, group-writable or relative is refused', async () => {
    const s = stateDir()
    mkdirSync(join(s.root, 'real'), { mode: 0o700 })
    symlinkSync(join(s.root, 'real'), s.state)
    expect((await s.run(['list'])).stderr).toContain('it is a symlink')
    const open = join(s.root, 'open')
    mkdirSync(open)
    chmodSync(open, 0o777)
    expect(await s.run(['list'], { BERTH_STATE_DIR: open })).toMatchObject({ code: 78 })
    expect((await s.run(['list'], { BERTH_STATE_DIR: 'relative/dir' })).stderr).toContain(
      'BERTH_STATE_DIR must be an absolute path, got "relative/dir"',
    )
  })

  test('a corrupt file is moved aside with a .corrupt suffix and a warning; a fresh registry starts', async () => {
    const s = stateDir()
    mkdirSync(s.state, { mode: 0o700 })
    writeFileSync(s.db, 'this is not a database, but it is the only copy\n'.repeat(200), { mode: 0o600 })
    const base = await freeRange(1)
    const ran = await s.run(['get', 'web', '--base', String(base)])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(ran.stderr).toContain(`⚠️  The registry ${s.db} is corrupt (file is not a database): moved it to ${s.db}.`)
    const aside = readdirSync(s.state).filter((name) => name.endsWith('.corrupt'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(s.state, aside[0]!), 'utf8')).toStartWith('this is not a database')
    expect(JSON.parse((await s.run(['list', '--json'])).stdout)).toHaveLength(1)
  })

  test("another program's SQLite database is moved aside, never migrated into", async () => {
    const s = stateDir()
    mkdirSync(s.state, { mode: 0o700 })
    const foreign = new Database(s.db)
    foreign.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
    foreign.close()
    const ran = await s.run(['list'])
    expect(ran.stderr).toContain('is not a berth registry')
    const aside = readdirSync(s.state).find((name) => name.endsWith('.corrupt'))!
    const kept = new Database(join(s.state, aside), { readonly: true })
    expect(kept.query('SELECT body FROM notes').get()).toEqual({ body: 'keep me' })
    kept.close()
  })

  test('a registry written by a newer schema is refused and left untouched', async () => {
    const s = stateDir()
    expect((await s.run(['list'])).code).toBe(0)
    const db = new Database(s.db)
    db.exec('PRAGMA user_version = 99')
    db.close()
    const before = readFileSync(s.db)
    const ran = await s.run(['get', 'web', '--base', String(await freeRange(1))])
    expect(ran).toMatchObject({ code: 78, stdout: '' })
    expect(ran.stderr).toContain(`was written by a newer berth (schema 99; this berth knows up to ${SCHEMA_VERSION})`)
    expect(readFileSync(s.db).equals(before)).toBe(true)
    expect(readdirSync(s.state).some((name) => name.endsWith('.corrupt'))).toBe(false)
  })

  test('16 processes opening a fresh registry at once migrate it exactly once, without errors', async () => {
    const s = stateDir()
    const runs = await Promise.all(Array.from({ length: 16 }, () => s.run(['list', '--json'])))
    expect(runs.map((r) => r.code)).toEqual(Array(16).fill(0))
    expect(runs.every((r) => r.stderr === '')).toBe(true)
    const db = new Database(s.db, { readonly: true })
    expect(db.query('SELECT version FROM migrations').all()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })))
    db.close()
  })
})

describe('a writer that dies or stalls', () => {
  async function holder(s: ReturnType<typeof stateDir>, port: number) {
    expect((await s.run(['list'])).code).toBe(0)
    const proc = Bun.spawn([process.execPath, join(ROOT, 'test/registry/fixtures/hold-transaction.ts'), s.db, String(port)], {
      stdout: 'pipe',
    })
    const reader = proc.stdout.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('locked')
    return proc
  }

  test('SIGKILL inside a transaction leaves the registry consistent and unlocked', async () => {
    const s = stateDir()
    const base = await freeRange(3)
    const proc = await holder(s, base)
    proc.kill('SIGKILL')
    await proc.exited
    const ran = await s.run(['get', 'web', '--base', String(base)])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    const db = new Database(s.db)
    expect(db.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    expect(db.query('SELECT service FROM leases').all()).toEqual([{ service: 'web' }])
    db.close()
  })

  test('a lock held past the busy timeout exits 75 with "retry", and changes nothing', async () => {
    const s = stateDir()
    const base = await freeRange(3)
    const proc = await holder(s, base)
    const ran = await s.run(['get', 'web', '--base', String(base + 1)])
    proc.kill('SIGKILL')
    await proc.exited
    expect(ran).toMatchObject({ code: 75, stdout: '' })
    expect(ran.stderr).toContain('stayed locked by another process for 5 s: retry')
    expect(JSON.parse((await s.run(['list', '--json'])).stdout)).toEqual([])
  }, 20_000)
})

describe('owner identity', () => {
  test('a recycled pid (same pid, different start time) does not keep a lease active', async () => {
    const s = stateDir()
    const registry = await createRegistry(s.state)
    const base = { project: s.root, host: null, leaseUntil: null, replaceDormant: false }
    registry.claim({ ...base, port: 40001, service: 'real', owner: { pid: process.pid, start: null } })
    registry.claim({ ...base, port: 40002, service: 'recycled', owner: { pid: process.pid, start: 'another-boot/1' } })
    expect(registry.list().map((l) => [l.service, l.state])).toEqual([
      ['real', 'active'],
      ['recycled', 'dormant'],
    ])
    registry.close()
    expect(existsSync(s.db)).toBe(true)
  })
})
