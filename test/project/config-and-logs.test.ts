/**
 * getConfig() and `berth up` agree without a project file; getConfig() without SQLite; the spec's
 * functions log as the spec shows; berth's own exports are no preference in another project
 * (issue 12, items 5-8).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCommand } from '../helpers/binary.ts'
import { makeProject } from '../helpers/project.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))
const SOURCE = join(ROOT, 'index.ts')
const BUNDLE = join(ROOT, 'dist', 'lib', 'index.js')

describe('getConfig() and berth up', () => {
  test('agree without a project file: both go through the registry', async () => {
    const p = makeProject(tempDir)
    // Whoever holds 24678 (this test, or anyone), vite-hmr gets another port and the registry remembers it.
    const blocker = await hold('::', 24678).catch(() => null)
    const up = await p.runFromShell(['up', '--format', 'json'])
    expect(up.code).toBe(0)
    const cli = JSON.parse(up.stdout).env
    expect(cli.VITE_HMR_PORT).not.toBe('24678')
    await blocker?.close()
    const script = `const { getConfig } = await import(${JSON.stringify(SOURCE)}); console.log(JSON.stringify((await getConfig({ logger: null })).env))`
    const js = await runCommand(['sh', '-c', '"$@"', 'sh', process.execPath, '-e', script], p.env, p.root)
    expect(JSON.parse(js.stdout)).toEqual(cli)
  })

  test('on a runtime without SQLite, getConfig() allocates in-process with one warning that names no CLI flag', async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "npm run build" first`)
    const p = makeProject(tempDir)
    const script = [
      `const { getConfig } = await import(${JSON.stringify(BUNDLE)})`,
      'const first = await getConfig({ onEvent: () => {}, logger: { info() {}, warn: (m) => console.error(m), error: (m) => console.error(m) } })',
      'const again = await getConfig({ refresh: true, logger: { info() {}, warn: (m) => console.error(m), error: (m) => console.error(m) } })',
      'console.log(JSON.stringify({ port: first.PORT, same: typeof again.PORT === "number" }))',
    ].join('\n')
    const hook = join(ROOT, 'test', 'runtimes', 'fixtures', 'no-sqlite.mjs')
    const ran = await runCommand(['node', '--import', hook, '--input-type=module', '-e', script], p.env, p.root)
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ same: true })
    // Other warnings (a busy spec port) may come too; the SQLite one comes once for both calls.
    const lines = ran.stderr.split('\n').filter((line) => line.includes('sqlite'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('getConfig(): Persistence needs node:sqlite')
    expect(lines[0]).toContain('use Node 22.13 or newer, Bun or Deno')
    expect(lines[0]).toContain('the ports are not leased')
    expect(ran.stderr).not.toContain('--no-persist')
  })
})

describe("the spec's functions log as the spec shows", () => {
  const run = (body: string) =>
    runCommand([process.execPath, '-e', `const lib = await import(${JSON.stringify(SOURCE)}); ${body}`], { PORT: 'abc' })

  test('getPortFromEnvOrAllocate with PORT=abc warns and logs its result on the console by default', async () => {
    const base = await freeRange(5)
    const ran = await run(`await lib.getPortFromEnvOrAllocate('PORT', ${base}, 'main-server')`)
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain(
      `⚠️  [main-server] Ignoring invalid PORT="abc" (expected a whole number from 1 to 65535); falling back to dynamic allocation from ${base}`,
    )
    expect(ran.stdout).toContain(`✅ [main-server] Allocated preferred port ${base} after 1 attempt(s)`)
  })

  test('logger: null silences them; createAllocator is silent by default', async () => {
    const base = await freeRange(5)
    const ran = await run(
      `await lib.getPortFromEnvOrAllocate('PORT', ${base}, 'main-server', { logger: null });` +
        `await lib.allocateMultiplePorts([{ name: 'a', basePort: ${base} }], { logger: null });` +
        `await lib.createAllocator({ env: { PORT: 'abc' } }).allocate({ serviceName: 'b', basePort: ${base}, envVar: 'PORT' })`,
    )
    expect(ran).toMatchObject({ code: 0, stdout: '', stderr: '' })
  })
})

describe("berth's own exports", () => {
  test("a value berth exported for another project is no preference there (a --verbose line says so); a value changed since is the user's again", async () => {
    const from = await freeRange(20)
    const a = makeProject(tempDir, { environments: { development: { services: { web: { base: from + 10, env: 'PORT' } } } } })
    const b = {
      ...makeProject(tempDir, { environments: { development: { services: { web: { base: from, max: from + 9, env: 'PORT' } } } } }),
      env: a.env,
    }
    const exported = Object.fromEntries(
      (await a.runFromShell(['up'])).stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    )
    const marker = exported.BERTH_EXPORTS.replace(/^'|'$/g, '')
    expect(marker).toBe(`PORT=${from + 10}@${realpathSync(a.root)}`)
    const inB = await b.run(['up', '--verbose'], { PORT: exported.PORT, BERTH_EXPORTS: marker })
    expect(inB.stdout).toStartWith(`PORT=${from}\n`)
    expect(inB.stderr).toContain(
      `ℹ️  [web] Ignoring PORT=${from + 10}: berth exported it for another project (${realpathSync(a.root)}), so it is not a preference here`,
    )
    expect(inB.stderr).toContain('   • Success rate: 100.0%')
    // A value the user set since is theirs again.
    const changed = await b.run(['up', '--format', 'json'], { PORT: String(from + 5), BERTH_EXPORTS: marker })
    expect(JSON.parse(changed.stdout).allocations[0]).toMatchObject({ port: from + 5, preferredPort: from + 5, outcome: 'preferred' })
  })
})
