/**
 * The allocating and checking commands' output and exit code, in-process through run(argv, io),
 * against real sockets and real registries: get, check, scan, up. The lease commands are in
 * lease-commands.test.ts; what only the compiled binary shows is in binary.test.ts, scan.test.ts
 * and terminal.test.ts.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli } from '../helpers/cli.ts'
import { canBind, closeAll, freeRange, hold, holdRange, type Held } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

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

describe('colour through io', () => {
  test('only the word "error" is coloured; stdout stays plain', async () => {
    const ran = await cli(['get', 'web', '--bogus-flag'], { colour: true })
    expect(ran.code).toBe(2)
    expect(ran.stderr).toStartWith('\u001b[31m\u001b[1merror\u001b[22m\u001b[39m Unknown option `--bogus-flag`\n')
  })
})
