/**
 * Every command's output and exit code, in-process through run(argv, io), against real sockets and
 * real registries: get, check, scan, up, port, list, release, gc. What only the compiled binary
 * shows is in binary.test.ts, scan.test.ts and terminal.test.ts.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli, cliWithState } from '../helpers/cli.ts'
import { canBind, closeAll, freeRange, hold, holdRange, type Held } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

/** A project folder of its own (no marker above it in the temp folder), with its own registry. */
function project(config?: unknown) {
  const root = tempDir('berth-project')
  if (config !== undefined) writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config, null, 2))
  return { root, ...cliWithState({ cwd: root, env: { NODE_ENV: '' } }) }
}

describe('berth get', () => {
  test('stdout is only the port and a newline; the log line goes to stderr', async () => {
    const base = await freeRange(2)
    const ran = await cli(['get', 'web', '--base', String(base)])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(ran.stderr).toBe(`✅ [web] Allocated preferred port ${base} after 1 attempt(s)\n`)
    expect(await canBind(base, '127.0.0.1')).toBe(true)
  })

  test('a busy base port moves to the next one and says so on stderr', async () => {
    const base = await freeRange(2)
    held.push(await hold('::1', base, { ipv6Only: true }))
    const ran = await cli(['get', 'api', '--base', String(base), '--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ port: base + 1, serviceName: 'api', usedPreferred: false, attempts: 2 })
    expect(ran.stderr).toContain(`⚠️  [api] Allocated fallback port ${base + 1} (preferred: ${base}) after 2 attempt(s)`)
  })

  test('--env uses a valid variable and warns about an invalid one', async () => {
    const base = await freeRange(1)
    const wanted = await freeRange(1)
    expect((await cli(['get', 'web', '--base', String(base), '--env', 'PORT'], { env: { PORT: String(wanted) } })).stdout).toBe(
      `${wanted}\n`,
    )
    const bad = await cli(['get', 'web', '--base', String(base), '--env', 'PORT'], { env: { PORT: '3000abc' } })
    expect(bad).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(bad.stderr).toContain('Ignoring invalid PORT="3000abc"')
  })

  test('an exhausted range exits 1 with the spec error on stderr and nothing on stdout', async () => {
    const range = await holdRange(3)
    held.push(range)
    const ran = await cli(['get', 'web', '--base', String(range.from), '--max', String(range.to)])
    expect(ran).toMatchObject({ code: 1, stdout: '' })
    expect(ran.stderr).toContain(`🚨 [web] No available ports found in range ${range.from}-${range.to} after 3 attempts.`)
  })
})

describe('plugin files in-process', () => {
  test('a --plugin file that imports valibot loads when berth runs from source (no self-import loop)', async () => {
    const root = tempDir('berth-valibot-plugin')
    const plugin =
      "import * as v from 'valibot'\nexport default { name: 'schema-user', preferred: (req) => (v.is(v.number(), req.basePort) ? req.basePort + 1 : null) }\n"
    writeFileSync(join(root, 'plugin.ts'), plugin)
    const base = await freeRange(2)
    const ran = await cli(['get', 'web', '--base', String(base), '--no-persist', '--plugin', 'plugin.ts'], { cwd: root })
    expect(ran).toMatchObject({ code: 0, stdout: `${base + 1}\n` })
  })
})

describe('berth check', () => {
  test('exit 0 when every port is free, 1 when any is busy, a line per port', async () => {
    const free = await freeRange(1)
    const busy = await hold('127.0.0.1')
    held.push(busy)
    expect(await cli(['check', String(free)])).toMatchObject({ code: 0, stdout: `${free} free\n` })
    const ran = await cli(['check', String(free), String(busy.port)])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe(`${free} free\n${busy.port} busy (in-use on ::, EADDRINUSE)\n`)
  })

  test('--json and --host answer for that address only', async () => {
    const busy: Held = await hold('127.0.0.1')
    held.push(busy)
    const ran = await cli(['check', String(busy.port), '--host', '::1', '--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toEqual([{ port: busy.port, free: true }])
  })
})

describe('berth scan', () => {
  test('a small range (main thread): busy ports with reasons, free count, longest runs', async () => {
    const from = await freeRange(20)
    held.push(await hold('127.0.0.1', from + 5), await hold('::1', from + 12, { ipv6Only: true }))
    const ran = await cli(['scan', `${from}-${from + 19}`, '--json'])
    expect(ran).toMatchObject({ code: 0, stderr: '' })
    const report = JSON.parse(ran.stdout)
    expect(report).toMatchObject({ from, to: from + 19, free: 18, host: null })
    // Each busy port names its holder: this test process holds both.
    const holder = { pid: process.pid, uid: process.getuid!(), container: null }
    expect(report.busy).toEqual([
      { port: from + 5, reason: 'in-use', host: '::', holder: expect.objectContaining(holder) },
      { port: from + 12, reason: 'in-use', host: '::', holder: expect.objectContaining(holder) },
    ])
    expect(report.runs[0]).toEqual({ from: from + 13, to: from + 19, length: 7 })
    const text = (await cli(['scan', `${from}-${from + 19}`])).stdout
    expect(text).toContain(`${from}-${from + 19} on every loopback and wildcard address: 18 free, 2 busy`)
    expect(text).toContain(`  ${from + 5} in use (on ::)`)
  })
})

describe('berth up', () => {
  test("prints the spec's summary on stderr and the exports on stdout", async () => {
    const ran = await cli(['up', '--format', 'shell'])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain('📊 PORT ALLOCATION SUMMARY:')
    expect(ran.stderr).toContain('   • Total services: 3')
    const lines = ran.stdout.trim().split('\n')
    expect(lines.map((l) => l.split('=')[0])).toEqual(['export PORT', 'export VITE_HMR_PORT', 'export API_TARGET', 'export BERTH_EXPORTS'])
    expect(lines[2]).toMatch(/^export API_TARGET=http:\/\/localhost:\d+$/)
  })
})

describe('berth port SERVICE', () => {
  test('prints the leased port without moving anything; --json; exit 1 with a clear message when there is none', async () => {
    const p = project()
    const base = await freeRange(10)
    const got = (await p.run(['get', 'web', '--base', String(base)])).stdout
    expect(await p.run(['port', 'web'])).toMatchObject({ code: 0, stdout: got, stderr: '' })
    const json = JSON.parse((await p.run(['port', 'web', '--json'])).stdout)
    expect(json).toMatchObject({
      service: 'web',
      project: realpathSync(p.root),
      port: base,
      ports: [base],
      leases: [{ service: 'web', port: base, state: 'active' }],
    })
    const none = await p.run(['port', 'api'])
    expect(none).toMatchObject({ code: 1, stdout: '' })
    expect(none.stderr).toContain(`No lease for service "api" in ${realpathSync(p.root)}`)
    expect((await p.leases()).map((l) => l.service)).toEqual(['web'])
  })

  test('answers for whichever environment berth up ran, and joins instances', async () => {
    const from = await freeRange(30)
    const p = project({
      environments: {
        development: { services: { web: { base: from, env: 'PORT' }, worker: { base: from + 20, instances: 2 } } },
        production: { services: { web: { base: from + 10, env: 'PORT' } } },
      },
    })
    expect((await p.run(['up', '--env', 'production'])).code).toBe(0)
    expect((await p.run(['port', 'web'])).stdout).toBe(`${from + 10}\n`)
    expect((await p.run(['up'])).code).toBe(0)
    expect((await p.run(['port', 'worker'])).stdout).toBe(`${from + 20},${from + 21}\n`)
  })
})

describe('projects without a marker', () => {
  test('each folder is its own project; --project DIR and BERTH_PROJECT name one', async () => {
    const p = project()
    const sub = join(p.root, 'sub')
    mkdirSync(sub)
    const base = await freeRange(10)
    const get = (extra: string[] = [], env: Record<string, string> = {}, cwd = p.root) =>
      p.run(['get', 'web', '--base', String(base), ...extra], { env, cwd })
    expect((await get()).stdout).toBe(`${base}\n`)
    expect((await get([], {}, sub)).stdout).toBe(`${base + 1}\n`)
    expect((await get(['--project', p.root], {}, sub)).stdout).toBe(`${base}\n`)
    expect((await get([], { BERTH_PROJECT: '..' }, sub)).stdout).toBe(`${base}\n`)
    expect((await p.run(['port', 'web', '--project', '..'], { cwd: sub })).stdout).toBe(`${base}\n`)
    const missing = await get(['--project', join(p.root, 'missing')])
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toContain(`The project folder "${join(p.root, 'missing')}" (--project or BERTH_PROJECT) is not a directory`)
  })
})

describe('berth list, release and gc', () => {
  test('list shows each lease; release by name and by port; exit 1 when no lease matches', async () => {
    const p = project()
    const base = await freeRange(3)
    await p.run(['get', 'web', '--base', String(base)])
    await p.run(['get', 'api', '--base', String(base + 1)])
    const list = await p.run(['list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^web +${base} `, 'm'))
    expect(list.stdout).toMatch(new RegExp(`^api +${base + 1} `, 'm'))
    expect((await p.leases()).map((l) => [l.service, l.port, l.state])).toEqual([
      ['api', base + 1, 'active'],
      ['web', base, 'active'],
    ])

    const byName = await p.run(['release', 'web', '--json'])
    expect(byName.code).toBe(0)
    expect(JSON.parse(byName.stdout).map((l: { service: string }) => l.service)).toEqual(['web'])
    expect(byName.stderr).toStartWith(`Released web (port ${base})`)
    const byPort = await p.run(['release', String(base + 1)])
    expect(byPort).toMatchObject({ code: 0, stdout: '' })
    expect(byPort.stderr).toStartWith(`Released api (port ${base + 1})`)

    expect(await p.run(['release', String(base + 1)])).toMatchObject({ code: 1, stdout: '', stderr: `No lease holds port ${base + 1}\n` })
    const noName = await p.run(['release', 'never-leased'])
    expect(noName).toMatchObject({ code: 1, stdout: '' })
    expect(noName.stderr).toContain('No lease for service "never-leased"')
    expect(await p.leases()).toEqual([])
  })

  test('gc forgets dormant leases whose ports are free and keeps active ones', async () => {
    const p = project()
    const base = await freeRange(2)
    // A lease is dormant once its owner has exited: "gone" is owned by a child that ends here.
    const owner = Bun.spawn(['sleep', '60'])
    await p.run(['get', 'kept', '--base', String(base)])
    await p.run(['get', 'gone', '--base', String(base + 1), '--owner', String(owner.pid)])
    owner.kill()
    await owner.exited
    const gc = await p.run(['gc', '--json'])
    expect(gc.code).toBe(0)
    expect(JSON.parse(gc.stdout).map((l: { service: string }) => l.service)).toEqual(['gone'])
    expect(gc.stderr).toBe(`Forgot 1 lease gone:${base + 1}\n`)
    expect((await p.leases()).map((l) => l.service)).toEqual(['kept'])
  })
})

describe('names that could drive a terminal', () => {
  // U+009B is a one-byte CSI (C1), U+202E reverses the text after it, U+2066 isolates it.
  const name = 'a\u009b31mb\u202ec\u2066d'
  const shown = 'a\\u009b31mb\\u202ec\\u2066d'
  const raw = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/

  test('get, list and release escape them in human output; --json keeps them exact', async () => {
    const state = cliWithState()
    const base = await freeRange(1)
    const got = await state.run(['get', name, '--base', String(base), '--ttl', '1h'])
    expect(got).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(got.stderr).toBe(`✅ [${shown}] Allocated preferred port ${base} after 1 attempt(s)\n`)

    const list = await state.run(['list'])
    expect(list.stdout).toContain(`${shown}  ${base}`)
    expect(list.stdout).not.toMatch(raw)
    const json = await state.run(['list', '--json'])
    expect(JSON.parse(json.stdout).map((l: { service: string }) => l.service)).toEqual([name])

    const missing = await state.run(['release', `${name}x`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`No lease for service "${shown}x"`)
    const released = await state.run(['release', name])
    expect(released.stderr).toStartWith(`Released ${shown} (port ${base})`)
    for (const ran of [list, missing, released]) expect(ran.stdout + ran.stderr).not.toMatch(raw)
  })
})

describe('colour through io', () => {
  test('only the word "error" is coloured; stdout stays plain', async () => {
    const ran = await cli(['get', 'web', '--bogus-flag'], { colour: true })
    expect(ran.code).toBe(2)
    expect(ran.stderr).toStartWith('\u001b[31m\u001b[1merror\u001b[22m\u001b[39m Unknown option `--bogus-flag`\n')
  })
})
