/**
 * Loading plugin and project files: mistakes exit 2 naming the file (never 70, never the binary's
 * internal /$bunfs paths); a file can import `berth`; loading has a deadline; berth exits once it
 * has its answer, whatever a plugin left running, and never exits 0 without one.
 */
import { describe, expect, test } from 'bun:test'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadPluginFile } from '../../project/plugin-file.ts'
import { ROOT, binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

/** A folder with the given files; runs the binary there (no package.json, no node_modules). */
function folderWith(files: Record<string, string>) {
  const dir = tempDir('berth-load')
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCommand([binary(), ...args], { BERTH_STATE_DIR: freshStateDir(), NODE_ENV: '', ...env }, dir)
  return { dir, run }
}

describe('plugin file mistakes', () => {
  test('a missing file and a file whose default export is not a plugin exit 2 naming the file, without internal paths', async () => {
    const f = folderWith({
      'number.ts': 'export default 42\n',
      'throws.ts': "export default () => { throw new Error('no options') }\n",
      'syntax.ts': 'export default {\n',
    })
    for (const [name, says] of [
      ['missing.ts', 'does not exist'],
      ['number.ts', 'must export by default a plugin'],
      ['throws.ts', 'failed: no options'],
      ['syntax.ts', 'Cannot load the plugin file'],
    ] as const) {
      for (const command of [['get', 'web'], ['up']]) {
        const ran = await f.run([...command, '--no-persist', '--plugin', name])
        expect({ name, command, code: ran.code, stdout: ran.stdout }).toEqual({ name, command, code: 2, stdout: '' })
        expect(ran.stderr).toContain(`${join(f.dir, name)}`)
        expect(ran.stderr).toContain(says)
        expect(ran.stderr).not.toContain('$bunfs')
      }
    }
  })

  test('a missing --config file exits 2 naming it', async () => {
    const f = folderWith({})
    const ran = await f.run(['up', '--config', 'nope.json'])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`The project file ${join(f.dir, 'nope.json')} does not exist`)
  })
})

describe("import … from 'berth-ports' in a plugin file", () => {
  test('the compiled binary resolves berth and berth-ports/plugins to its own modules (no node_modules next to the file)', async () => {
    const base = await freeRange(2)
    const f = folderWith({
      // The subpath's export decides the port, so a stand-in module would not pass.
      'uses-subpath.ts':
        "import { definePlugin } from 'berth-ports'\nimport { exclusions } from 'berth-ports/plugins'\nexport default definePlugin({ name: 'next', preferred: (req) => req.basePort + exclusions().name.length - 9 })\n",
    })
    copyFileSync(join(ROOT, 'examples', 'plugins', 'evens-only.ts'), join(f.dir, 'evens-only.ts'))
    const even = base % 2 === 0 ? base : base + 1
    const getWith = (plugin: string) =>
      f.run(['get', 'web', '--no-persist', '--base', String(base), '--max', String(base + 1), '--plugin', plugin])
    expect(await getWith('evens-only.ts')).toMatchObject({ code: 0, stdout: `${even}\n` })
    expect(await getWith('uses-subpath.ts')).toMatchObject({ code: 0, stdout: `${base + 1}\n` })
  })

  test('the same file loads through the library', async () => {
    const plugin = await loadPluginFile('examples/plugins/evens-only.ts', ROOT)
    expect(plugin.name).toBe('evens')
  })
})

describe('files that never finish loading, and plugins that leave work behind', () => {
  const hang = 'await new Promise(() => {})\nexport default { name: "never" }\n'

  test('a plugin or project file whose top-level await never settles fails by the deadline, naming the file (exit 2, never 0)', async () => {
    const f = folderWith({ 'hang.ts': hang, 'berth.config.ts': hang })
    const env = { BERTH_LOAD_TIMEOUT: '200ms' }
    const plugin = await f.run(['get', 'web', '-q', '--no-persist', '--plugin', 'hang.ts'], env)
    expect(plugin).toMatchObject({ code: 2, stdout: '' })
    expect(plugin.stderr).toContain(`Loading the plugin file ${join(f.dir, 'hang.ts')} did not finish within 200 ms`)
    const project = await f.run(['up', '--no-persist'], env)
    expect(project).toMatchObject({ code: 2, stdout: '' })
    expect(project.stderr).toContain(`Loading the project file ${join(f.dir, 'berth.config.ts')} did not finish within 200 ms`)
    const bad = await f.run(['up', '--no-persist'], { BERTH_LOAD_TIMEOUT: 'soon' })
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toContain('BERTH_LOAD_TIMEOUT must be a duration such as 10, 10s or 2500ms, got "soon"')
  })

  test('berth exits with its answer even when a plugin left a timer running', async () => {
    const base = await freeRange(1)
    const f = folderWith({ 'timer.ts': 'setInterval(() => {}, 1000)\nexport default { name: "ticking" }\n' })
    expect(await f.run(['get', 'web', '--no-persist', '--base', String(base), '--plugin', 'timer.ts'])).toMatchObject({
      code: 0,
      stdout: `${base}\n`,
    })
  })

  test('a hook that never settles ends berth with 70 and a message, never 0 with an empty answer', async () => {
    const f = folderWith({ 'stuck.ts': 'export default { name: "stuck", setup: () => new Promise(() => {}) }\n' })
    const ran = await f.run(['get', 'web', '-q', '--no-persist', '--plugin', 'stuck.ts'])
    expect(ran).toMatchObject({ code: 70, stdout: '' })
    expect(ran.stderr).toContain('berth stopped before it had an answer')
  })
})
