/**
 * Which files berth runs, with two real users: root (the test) and nobody (uid 65534, through
 * setpriv). A project or plugin file that someone else could have written is refused with exit
 * 78, a message that says why and how to allow it, and without running a line of it: each file
 * here writes a marker file when it runs.
 */
import { describe, expect, test } from 'bun:test'
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const NOBODY = 65534
const work = tempDirs()('berth-trust')
chmodSync(work, 0o755)
let made = 0

/** A folder of its own under `work`, owned by `uid`, mode 0755. */
function folder(uid: number, parent = work): string {
  const dir = join(parent, `d${++made}`)
  mkdirSync(dir, { mode: 0o755 })
  chmodSync(dir, 0o755)
  chownSync(dir, uid, uid)
  return dir
}

/** A file that records that it ran (in `marker`), then exports `body`. */
function codeFile(path: string, uid: number, marker: string, body: string, mode = 0o644): string {
  writeFileSync(path, `import { writeFileSync } from 'node:fs'\nwriteFileSync(${JSON.stringify(marker)}, 'ran')\nexport default ${body}\n`)
  chmodSync(path, mode)
  chownSync(path, uid, uid)
  return path
}

const config = (base: number) => JSON.stringify({ environments: { development: { services: { web: { base, env: 'PORT' } } } } })
const plugin = `{ name: 'marked' }`

function up(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  return runCommand(
    [binary(), 'up', '--no-persist', ...args],
    { BERTH_STATE_DIR: freshStateDir(), NODE_ENV: '', BERTH_SAFE_DIRECTORIES: '', ...env },
    cwd,
  )
}

describe('project files (berth.config.ts)', () => {
  test("another user's berth.config.ts is refused (78) without running; --config FILE or BERTH_SAFE_DIRECTORIES runs it", async () => {
    const base = await freeRange(1)
    const project = folder(NOBODY)
    const marker = join(work, `ran-${made}`)
    const file = codeFile(join(project, 'berth.config.ts'), NOBODY, marker, config(base))
    const refused = await up(project)
    expect(refused).toMatchObject({ code: 78, stdout: '' })
    expect(refused.stderr).toContain(`Refusing to run the project file ${file}: it belongs to uid ${NOBODY} (nobody), not to you`)
    expect(refused.stderr).toContain(`--config ${file}`)
    expect(refused.stderr).toContain(`BERTH_SAFE_DIRECTORIES=${project}`)
    expect(existsSync(marker)).toBe(false)
    expect(await up(project, ['--config', file])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^PORT=${base}\nBERTH_EXPORTS=`)),
    })
    expect(existsSync(marker)).toBe(true)
    expect(await up(project, [], { BERTH_SAFE_DIRECTORIES: `/nonexistent:${project}` })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^PORT=${base}\nBERTH_EXPORTS=`)),
    })
  })

  test('the walk up stops at a folder owned by another user: its berth.config.ts is never found', async () => {
    const outer = folder(NOBODY)
    const marker = join(work, `ran-${made}`)
    codeFile(join(outer, 'berth.config.ts'), NOBODY, marker, config(await freeRange(1)))
    const inner = folder(0, outer)
    const ran = await up(inner)
    expect(ran.code).toBe(0)
    // No project here: the spec's services.
    expect(ran.stdout).toContain('VITE_HMR_PORT=')
    expect(existsSync(marker)).toBe(false)
  })

  test('a file its group or other users can write never runs, not even named with --config; neither does one in such a folder', async () => {
    const base = await freeRange(1)
    const project = folder(0)
    const marker = join(work, `ran-${made}`)
    const file = codeFile(join(project, 'berth.config.ts'), 0, marker, config(base), 0o664)
    const groupWritable = await up(project, ['--config', file])
    expect(groupWritable).toMatchObject({ code: 78, stdout: '' })
    expect(groupWritable.stderr).toContain(`its group can write it (mode 664)`)
    expect(groupWritable.stderr).toContain(`Run: chmod go-w ${file}`)
    chmodSync(file, 0o644)
    chmodSync(project, 0o777)
    const looseFolder = await up(project, [], { BERTH_SAFE_DIRECTORIES: '*' })
    expect(looseFolder).toMatchObject({ code: 78, stdout: '' })
    expect(looseFolder.stderr).toContain(`every user can write its folder ${project} (mode 777)`)
    expect(existsSync(marker)).toBe(false)
    chmodSync(project, 0o755)
    expect(await up(project)).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^PORT=${base}\nBERTH_EXPORTS=`)) })
  })

  test("JSON is data: another user's berth.config.json is read, but a plugin it lists that belongs to that user is refused", async () => {
    const base = await freeRange(1)
    const project = folder(NOBODY)
    const marker = join(work, `ran-${made}`)
    codeFile(join(project, 'plugin.ts'), NOBODY, marker, plugin)
    const json = join(project, 'berth.config.json')
    writeFileSync(json, config(base))
    chownSync(json, NOBODY, NOBODY)
    expect(await up(project)).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^PORT=${base}\nBERTH_EXPORTS=`)) })
    writeFileSync(json, JSON.stringify({ ...JSON.parse(config(base)), plugins: ['./plugin.ts'] }))
    const refused = await up(project)
    expect(refused).toMatchObject({ code: 78, stdout: '' })
    expect(refused.stderr).toContain(`Refusing to run the plugin file ${join(project, 'plugin.ts')}: it belongs to uid ${NOBODY}`)
    expect(existsSync(marker)).toBe(false)
    expect(await up(project, [], { BERTH_SAFE_DIRECTORIES: project })).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^PORT=${base}\nBERTH_EXPORTS=`)),
    })
    expect(existsSync(marker)).toBe(true)
  })
})

describe('plugin files named with --plugin', () => {
  const get = (cwd: string, args: string[], env: Record<string, string> = {}) =>
    runCommand([binary(), 'get', 'web', '--no-persist', ...args], { BERTH_SAFE_DIRECTORIES: '', ...env }, cwd)

  test("naming another user's file on the command line runs it; a group-writable one is refused even then", async () => {
    const base = await freeRange(1)
    const dir = folder(NOBODY)
    const marker = join(work, `ran-${made}`)
    const file = codeFile(join(dir, 'plugin.ts'), NOBODY, marker, plugin)
    expect(await get(work, ['--base', String(base), '--plugin', file])).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(existsSync(marker)).toBe(true)
    rmSync(marker)
    chmodSync(file, 0o666)
    const refused = await get(work, ['--base', String(base), '--plugin', file])
    expect(refused).toMatchObject({ code: 78, stdout: '' })
    expect(refused.stderr).toContain(`every user can write it (mode 666)`)
    expect(existsSync(marker)).toBe(false)
  })

  test("as nobody: root's files run (root is trusted), and the walk up goes through root's folders", async () => {
    const base = await freeRange(1)
    const home = folder(NOBODY)
    const project = folder(0)
    // Each file, run as nobody, leaves its marker in nobody's home.
    const file = codeFile(join(project, 'plugin.ts'), 0, join(home, 'plugin-ran'), plugin)
    codeFile(join(project, 'berth.config.ts'), 0, join(home, 'config-ran'), config(base))
    const sub = folder(NOBODY, project)
    const asNobody = (args: string[]) =>
      runCommand(
        ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', binary(), ...args, '--no-persist'],
        { HOME: home, BERTH_SAFE_DIRECTORIES: '', NODE_ENV: '' },
        sub,
      )
    expect(await asNobody(['get', 'web', '--base', String(base), '--plugin', file])).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(existsSync(join(home, 'plugin-ran'))).toBe(true)
    expect(await asNobody(['up'])).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^PORT=${base}\nBERTH_EXPORTS=`)) })
    expect(existsSync(join(home, 'config-ran'))).toBe(true)
  })
})

describe('symlinks', () => {
  test("a berth.config.ts of yours that links to another user's file is judged by that file", async () => {
    const theirs = folder(NOBODY)
    const marker = join(work, `ran-${made}`)
    const target = codeFile(join(theirs, 'config.ts'), NOBODY, marker, config(await freeRange(1)))
    const project = folder(0)
    symlinkSync(target, join(project, 'berth.config.ts'))
    const ran = await up(project)
    expect(ran).toMatchObject({ code: 78, stdout: '' })
    expect(ran.stderr).toContain(`(${target}): it belongs to uid ${NOBODY}`)
    expect(existsSync(marker)).toBe(false)
  })
})

describe('BERTH_SAFE_DIRECTORIES', () => {
  test('a relative entry is refused by name', async () => {
    const project = folder(NOBODY)
    codeFile(join(project, 'berth.config.ts'), NOBODY, join(work, `ran-${made}`), config(await freeRange(1)))
    const ran = await up(project, [], { BERTH_SAFE_DIRECTORIES: 'relative/dir' })
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('BERTH_SAFE_DIRECTORIES must list absolute folders, got "relative/dir"')
  })
})
