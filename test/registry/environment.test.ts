/**
 * The machine around the registry: a symlinked home, a path through a file, a full or read-only
 * file system, no permission, and state that is loose or someone else's. Each gets its documented
 * exit code and a message naming the path and the fix, never a stack trace.
 */
import { describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stateError } from '../../registry/open.ts'
import { binary, runCommand, type Ran } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { NOBODY, asNobody, isRoot } from '../helpers/users.ts'

const tempDir = tempDirs()
const NO_STATE = { BERTH_STATE_DIR: '', BERTH_SHARED_STATE_DIR: '', XDG_STATE_HOME: '' }

/** A work folder every user can enter. */
function workDir() {
  const dir = tempDir('berth-env')
  chmodSync(dir, 0o755)
  return dir
}

function expectClean(ran: Ran, code: number, ...phrases: string[]) {
  expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code, stdout: '' })
  for (const phrase of phrases) expect(ran.stderr).toContain(phrase)
  expect(ran.stderr).not.toContain('internal error')
  expect(ran.stderr).not.toContain('    at ')
}

describe('SQLite result codes count by their primary code', () => {
  const path = '/state/registry.sqlite'
  const code = (error: unknown) => (stateError(error, path) as { code?: string }).code

  test('extended codes from bun:sqlite (name and number) and node:sqlite (number only)', () => {
    expect(code(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY_RECOVERY', errno: 261 }))).toBe('E_STATE_BUSY')
    expect(code(Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 517 }))).toBe('E_STATE_BUSY') // BUSY_SNAPSHOT
    expect(code(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_SHORT_READ', errno: 522 }))).toBe('E_STATE_IO')
    expect(code(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY_DBMOVED', errno: 1032 }))).toBe(
      'E_STATE',
    )
  })

  test("a driver that gives only SQLite's message (Deno) is understood too", () => {
    expect(code(new Error('database or disk is full'))).toBe('E_STATE_IO')
    expect(code(new Error('unable to open database file: /state/registry.sqlite'))).toBe('E_STATE')
  })

  test('the symlink refusal says to use the real path', () => {
    const error = stateError(
      Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN_SYMLINK', errno: 1550 }),
      path,
    ) as Error
    expect(error.message).toContain(`${path}: its path goes through a symlink`)
    expect(error.message).toContain('realpath /state')
  })
})

describe('the machine around the registry', () => {
  test('a symlinked HOME works: berth opens the real path', async () => {
    const work = workDir()
    mkdirSync(join(work, 'real-home'))
    symlinkSync(join(work, 'real-home'), join(work, 'home'))
    const base = await freeRange(1)
    const ran = await runCommand([binary(), 'get', 'web', '--base', String(base), '-q'], { ...NO_STATE, HOME: join(work, 'home') }, work)
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(existsSync(join(work, 'real-home', '.local', 'state', 'berth', 'registry.sqlite'))).toBe(true)
  })

  test('a state path through a file (ENOTDIR) exits 78 naming the path', async () => {
    const work = workDir()
    writeFileSync(join(work, 'file'), '')
    const state = join(work, 'file', 'state')
    for (const command of [['get', 'web'], ['list'], ['gc'], ['release', 'web']]) {
      expectClean(
        await runCommand([binary(), ...command], { BERTH_STATE_DIR: state }, work),
        78,
        `${state}: a part of this path is a file, not a directory`,
      )
    }
  })

  test.skipIf(!isRoot)('a full disk exits 74 naming the registry; a read-only file system exits 78', async () => {
    const work = workDir()
    const mount = join(work, 'mnt')
    mkdirSync(mount)
    const state = join(mount, 'state')
    const base = await freeRange(3)
    // A private mount namespace: the small file system vanishes with it, whatever happens.
    const script = [
      `mount -t tmpfs -o size=256k tmpfs ${mount}`,
      `BERTH_STATE_DIR=${state} "$0" get first --base ${base} -q`,
      `dd if=/dev/zero of=${mount}/filler bs=4k 2>/dev/null`,
      // The WAL's own space is reused first; more leases need more pages than are left.
      `for n in 1 2 3 4 5 6 7 8; do BERTH_STATE_DIR=${state} "$0" get s$n --base ${base} -q >/dev/null; echo "full=$?" >&2; done`,
      `rm ${mount}/filler; mount -o remount,ro ${mount}`,
      `BERTH_STATE_DIR=${state} "$0" get third --base ${base} -q; echo "readonly=$?" >&2`,
      `BERTH_STATE_DIR=${mount}/other "$0" list; echo "readonly-dir=$?" >&2`,
    ].join('\n')
    const ran = await runCommand(['unshare', '--mount', 'sh', '-c', script, binary()], {}, work)
    const db = join(state, 'registry.sqlite')
    expect(ran.stdout).toBe(`${base}\n`)
    expect(ran.stderr).toContain(`Cannot write the lease registry at ${db}: no space left on its file system. Free some space`)
    const codes = new Set([...ran.stderr.matchAll(/full=(\d+)/g)].map((m) => m[1]))
    expect(codes.has('74')).toBe(true)
    codes.delete('0')
    expect([...codes]).toEqual(['74'])
    expect(ran.stderr).toContain(`Cannot use the lease registry at ${db}: it is read-only`)
    expect(ran.stderr).toContain('readonly=78')
    expect(ran.stderr).toContain(`Cannot use the lease registry at ${mount}/other: it is on a read-only file system`)
    expect(ran.stderr).toContain('readonly-dir=78')
    expect(ran.stderr).not.toContain('    at ')
  })

  test.skipIf(!isRoot)('as another user: HOME=/nonexistent and a read-only state directory exit 78 naming the directory', async () => {
    const work = workDir()
    const expected = '/nonexistent/.local/state/berth'
    const ran = await runCommand(asNobody([binary(), 'get', 'web']), { ...NO_STATE, HOME: '/nonexistent' }, work)
    expectClean(ran, 78, `Cannot use the lease registry at ${expected}: permission denied`, 'BERTH_STATE_DIR')
    const locked = join(work, 'locked')
    mkdirSync(locked, { mode: 0o500 })
    chownSync(locked, NOBODY, NOBODY)
    for (const command of [['get', 'web'], ['list'], ['gc']]) {
      const denied = await runCommand(asNobody([binary(), ...command]), { BERTH_STATE_DIR: locked }, work)
      expectClean(denied, 78, `Cannot use the lease registry at ${join(locked, 'registry.sqlite')}: permission denied`)
    }
  })
})

describe('foreign or loose state', () => {
  test.skipIf(!isRoot)('root refuses a registry file that belongs to another user, and leaves it as it was', async () => {
    const work = workDir()
    const state = join(work, 'state')
    mkdirSync(state, { mode: 0o700 })
    const db = join(state, 'registry.sqlite')
    writeFileSync(db, '', { mode: 0o644 })
    chownSync(db, NOBODY, NOBODY)
    const ran = await runCommand([binary(), 'list'], { BERTH_STATE_DIR: state }, work)
    expectClean(ran, 78, `Refusing the registry ${db}: it belongs to uid ${NOBODY}, not to this user (uid 0)`)
    const after = statSync(db)
    expect([after.uid, (after.mode & 0o777).toString(8)]).toEqual([NOBODY, '644'])
    expect(readdirSync(state)).toEqual(['registry.sqlite'])
  })

  test('a state directory in a world-writable parent is refused with the fix; a sticky one (like /tmp) is fine', async () => {
    const work = workDir()
    const loose = join(work, 'loose')
    mkdirSync(loose)
    chmodSync(loose, 0o777)
    const ran = await runCommand([binary(), 'list'], { ...NO_STATE, XDG_STATE_HOME: loose }, work)
    expectClean(
      ran,
      78,
      `Refusing the state directory ${loose}/berth: its parent ${loose} is writable by every user (mode 777)`,
      `chmod o-w ${loose}`,
    )
    chmodSync(loose, 0o1777)
    expect((await runCommand([binary(), 'list', '--json'], { ...NO_STATE, XDG_STATE_HOME: loose }, work)).code).toBe(0)
  })

  test.skipIf(!isRoot)("a state directory in another user's folder works, with a warning that names that user", async () => {
    const work = workDir()
    const theirs = join(work, 'theirs')
    mkdirSync(theirs, { mode: 0o755 })
    chownSync(theirs, NOBODY, NOBODY)
    const ran = await runCommand([binary(), 'list', '--json'], { ...NO_STATE, XDG_STATE_HOME: theirs }, work)
    expect(ran).toMatchObject({ code: 0, stdout: '[]\n' })
    expect(ran.stderr).toContain(
      `The state directory ${theirs}/berth sits in ${theirs}, which belongs to uid ${NOBODY}: that user could move your leases away`,
    )
  })

  test('a relative HOME is refused: the registry never lands under the working directory', async () => {
    const work = workDir()
    const ran = await runCommand([binary(), 'get', 'web'], { ...NO_STATE, HOME: 'relative-home' }, work)
    expectClean(ran, 78, 'HOME must be an absolute path to find the lease registry, got "relative-home"')
    expect(readdirSync(work)).toEqual([])
  })
})
