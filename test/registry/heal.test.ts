/**
 * A registry that heals itself: damage found after open (a corrupt page, tables gone) and a
 * write-ahead log from another registry are moved aside with a warning, and the command goes on.
 */
import { describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { closeSync, copyFileSync, mkdirSync, openSync, readdirSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { createRegistry } from '../../registry/registry.ts'
import { binary, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

function stateDir() {
  const root = tempDir('berth-heal')
  const state = join(root, 'state')
  const run = (args: string[]) => runCommand([binary(), ...args], { BERTH_STATE_DIR: state }, root)
  return { root, state, db: join(state, 'registry.sqlite'), run }
}

/** A registry of 300 leases kept by a TTL, closed (so checkpointed into the main file). */
async function fullRegistry(state: string, root: string) {
  const registry = await createRegistry(state)
  for (let i = 0; i < 300; i++) {
    registry.claim({
      port: 40000 + i,
      project: root,
      service: `svc${i}`,
      host: null,
      owner: null,
      leaseUntil: Date.now() + 3_600_000,
      replaceDormant: false,
    })
  }
  registry.close()
}

/** Overwrites one page in the middle of the leases with garbage, as `dd … seek=3 conv=notrunc` does. */
function corruptPage(db: string, page = 3) {
  const fd = openSync(db, 'r+')
  writeSync(fd, new Uint8Array(4096).fill(0xa5), 0, 4096, page * 4096)
  closeSync(fd)
}

const asideFiles = (state: string, label: string) =>
  readdirSync(state)
    .filter((name) => name.includes(`.${label}`))
    .sort()

describe('damage found after the registry opened', () => {
  test('one corrupt page: get, list, gc and release each move it aside once, warn once, and finish their work', async () => {
    const template = stateDir()
    await fullRegistry(template.state, template.root)
    corruptPage(template.db)
    const base = await freeRange(1)
    const commands = [['get', 'web', '--base', String(base)], ['list', '--json'], ['gc'], ['release', String(base)]]
    for (const args of commands) {
      const s = stateDir()
      mkdirSync(s.state, { mode: 0o700 })
      copyFileSync(template.db, s.db)
      const ran = await s.run(args)
      expect([args[0], ran.stderr.split(`The registry ${s.db} is corrupt`).length - 1]).toEqual([args[0], 1])
      expect(ran.stderr).toContain('database disk image is malformed')
      expect(ran.stderr).not.toContain('    at ') // no stack trace
      // release of a port nobody holds any more exits 1 (documented); the others succeed.
      expect([args[0], ran.code]).toEqual([args[0], args[0] === 'release' ? 1 : 0])
      if (args[0] === 'get') expect(ran.stdout).toBe(`${base}\n`)
      if (args[0] === 'list') expect(JSON.parse(ran.stdout)).toEqual([])
      // The damaged file is kept beside, whole, for whoever wants to look at it.
      const aside = asideFiles(s.state, 'corrupt')
      expect(aside.filter((name) => name.endsWith('.corrupt'))).toHaveLength(1)
      expect(statSync(join(s.state, aside.find((name) => name.endsWith('.corrupt'))!)).size).toBe(statSync(template.db).size)
      // And the fresh registry works on the next run, without another warning.
      const again = await s.run(['list', '--json'])
      expect(again).toMatchObject({ code: 0, stderr: '' })
    }
  }, 30_000)

  test("a file with berth's id and schema version but no tables is treated as damaged, not as a fatal error", async () => {
    const s = stateDir()
    expect((await s.run(['list'])).code).toBe(0)
    const db = new Database(s.db)
    db.exec('DROP TABLE leases; DROP TABLE migrations')
    db.close()
    const base = await freeRange(1)
    const ran = await s.run(['get', 'web', '--base', String(base)])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(ran.stderr).toContain(`The registry ${s.db} is corrupt (no such table: leases): moved it to ${s.db}.`)
    expect(JSON.parse((await s.run(['list', '--json'])).stdout).map((l: { service: string }) => l.service)).toEqual(['web'])
  })
})

describe('a write-ahead log from another registry', () => {
  test('is detected, moved aside with a warning, and never replayed over this registry', async () => {
    const a = stateDir()
    const b = stateDir()
    const base = await freeRange(4)
    const get = (s: ReturnType<typeof stateDir>, service: string, port: number) =>
      s.run(['get', service, '--base', String(port), '--max', String(port + 1), '--ttl', '1h', '-q'])
    expect((await get(a, 'a1', base)).code).toBe(0)
    expect((await get(a, 'a2', base)).code).toBe(0)
    expect((await b.run(['list'])).code).toBe(0)
    // An open read transaction keeps b's writes in its WAL (no checkpoint while a reader needs the old pages).
    const reader = new Database(b.db)
    reader.exec('BEGIN')
    reader.query('SELECT count(*) FROM leases').get()
    expect((await get(b, 'b1', base + 2)).code).toBe(0)
    expect((await get(b, 'b2', base + 2)).code).toBe(0)
    expect(statSync(b.db + '-wal').size).toBeGreaterThan(0)
    copyFileSync(b.db + '-wal', a.db + '-wal')
    reader.exec('ROLLBACK')
    reader.close()

    const ran = await a.run(['list', '--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout).map((l: { service: string }) => l.service)).toEqual(['a1', 'a2'])
    expect(ran.stderr).toContain(`The registry ${a.db} had a write-ahead log (-wal) from another registry: moved it to ${a.db}.`)
    expect(asideFiles(a.state, 'foreign-wal').some((name) => name.endsWith('-wal'))).toBe(true)
    // Said once: the next run finds nothing to say.
    expect(await a.run(['list', '--json'])).toMatchObject({ code: 0, stderr: '' })
  })

  test("this registry's own WAL, left by a writer that is still open, is not mistaken for a foreign one", async () => {
    const s = stateDir()
    const base = await freeRange(2)
    expect((await s.run(['list'])).code).toBe(0)
    const reader = new Database(s.db)
    reader.exec('BEGIN')
    reader.query('SELECT count(*) FROM leases').get()
    expect((await s.run(['get', 'one', '--base', String(base), '--ttl', '1h', '-q'])).code).toBe(0)
    const ran = await s.run(['get', 'two', '--base', String(base), '--ttl', '1h', '-q'])
    reader.exec('ROLLBACK')
    reader.close()
    expect(ran).toMatchObject({ code: 0, stdout: `${base + 1}\n` })
    expect(ran.stderr).not.toContain('another registry')
    expect(asideFiles(s.state, 'foreign-wal')).toEqual([])
  })
})
