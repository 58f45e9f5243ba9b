import { afterEach, describe, expect, test } from 'bun:test'
import { colorEnabled } from '../../cli/io.ts'
import { berth } from '../helpers/binary.ts'
import { canBind, closeAll, freeRange, hold, holdRange, type Held } from '../helpers/sockets.ts'

const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

describe('berth get (the compiled binary)', () => {
  test('stdout is only the port and a newline; the log line goes to stderr', async () => {
    const base = await freeRange(2)
    const ran = await berth(['get', 'web', '--base', String(base)])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(ran.stderr).toBe(`✅ [web] Allocated preferred port ${base} after 1 attempt(s)\n`)
    expect(await canBind(base, '127.0.0.1')).toBe(true)
  })

  test('a busy base port moves to the next one and says so on stderr', async () => {
    const base = await freeRange(2)
    held.push(await hold('::1', base, { ipv6Only: true }))
    const ran = await berth(['get', 'api', '--base', String(base), '--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ port: base + 1, serviceName: 'api', usedPreferred: false, attempts: 2 })
    expect(ran.stderr).toContain(`⚠️  [api] Allocated fallback port ${base + 1} (preferred: ${base}) after 2 attempt(s)`)
  })

  test('--env uses a valid variable and warns about an invalid one', async () => {
    const base = await freeRange(1)
    const wanted = await freeRange(1)
    expect((await berth(['get', 'web', '--base', String(base), '--env', 'PORT'], { PORT: String(wanted) })).stdout).toBe(`${wanted}\n`)
    const bad = await berth(['get', 'web', '--base', String(base), '--env', 'PORT'], { PORT: '3000abc' })
    expect(bad).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(bad.stderr).toContain('Ignoring invalid PORT="3000abc"')
  })

  test('an exhausted range exits 1 with the spec error on stderr and nothing on stdout', async () => {
    const range = await holdRange(3)
    held.push(range)
    const ran = await berth(['get', 'web', '--base', String(range.from), '--max', String(range.to)])
    expect(ran).toMatchObject({ code: 1, stdout: '' })
    expect(ran.stderr).toContain(`🚨 [web] No available ports found in range ${range.from}-${range.to} after 3 attempts.`)
  })

  const BAD: Array<[string[], string]> = [
    [['get', '--base', 'abc'], '--base must be a whole number from 1 to 65535, got "abc"'],
    [['get', '--base', '3000abc'], 'got "3000abc"'],
    [['get', '--base', '1e3'], 'got "1e3"'],
    [['get', '--base', '-1'], 'got "-1"'],
    [['get', '--base', '65536'], 'got "65536"'],
    [['get', '--base=0x50'], 'got "0x50"'],
    [['get', '--base', '3100', '--max', '3000'], 'the range 3100-3000 is reversed'],
    [['get', '--exclude', '3010-3000'], '--exclude: the range "3010-3000" is reversed'],
    [['get', 'web', '--host', 'example.invalid'], 'Invalid host "example.invalid"'],
    [['get', '--bogus'], 'Unknown option `--bogus`'],
    [['check', '1e3'], 'port must be a whole number from 1 to 65535, got "1e3"'],
    [['check'], 'check needs at least one port'],
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [['up', '--env', 'staging'], '--env must be "development" or "production" without a berth.config file, got "staging"'],
  ]
  for (const [args, message] of BAD) {
    test(`bad input ${JSON.stringify(args.join(' '))}: exit 2, empty stdout, the message names the value`, async () => {
      const ran = await berth(args)
      expect(ran).toMatchObject({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(message)
    })
  }
})

describe('berth check (the compiled binary)', () => {
  test('exit 0 when every port is free, 1 when any is busy, a line per port', async () => {
    const free = await freeRange(1)
    const busy = await hold('127.0.0.1')
    held.push(busy)
    expect(await berth(['check', String(free)])).toMatchObject({ code: 0, stdout: `${free} free\n` })
    const ran = await berth(['check', String(free), String(busy.port)])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe(`${free} free\n${busy.port} busy (in-use on ::, EADDRINUSE)\n`)
  })

  test('--json and --host answer for that address only', async () => {
    const busy: Held = await hold('127.0.0.1')
    held.push(busy)
    const ran = await berth(['check', String(busy.port), '--host', '::1', '--json'])
    expect(ran.code).toBe(0)
    expect(JSON.parse(ran.stdout)).toEqual([{ port: busy.port, free: true }])
  })
})

describe('berth up, help and version', () => {
  test("up prints the spec's summary on stderr and the exports on stdout", async () => {
    const ran = await berth(['up', '--format', 'shell'], { PORT: undefined, VITE_HMR_PORT: undefined })
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain('📊 PORT ALLOCATION SUMMARY:')
    expect(ran.stderr).toContain('   • Total services: 3')
    const lines = ran.stdout.trim().split('\n')
    expect(lines.map((l) => l.split('=')[0])).toEqual(['export PORT', 'export VITE_HMR_PORT', 'export API_TARGET', 'export BERTH_EXPORTS'])
    expect(lines[2]).toMatch(/^export API_TARGET=http:\/\/localhost:\d+$/)
  })

  test('--help explains every command and the exit codes; --version prints the version', async () => {
    const help = await berth(['--help'])
    expect(help.code).toBe(0)
    for (const word of ['get <service>', 'check [...ports]', 'up', 'Exit codes:']) expect(help.stdout).toContain(word)
    expect((await berth(['get', '--help'])).stdout).toContain('--exclude <list>')
    expect((await berth(['--version'])).stdout).toBe('berth 0.1.0\n')
  })

  test('no colour codes when the output is not a terminal', async () => {
    const ran = await berth(['check', '1', '--bogus-flag'], { NO_COLOR: '' })
    expect(ran.code).toBe(2)
    expect(ran.stdout + ran.stderr).not.toContain('\u001b[')
  })
})

describe('colour policy', () => {
  test('colour only on a terminal, never with NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled(true, {})).toBe(true)
    expect(colorEnabled(false, {})).toBe(false)
    expect(colorEnabled(undefined, {})).toBe(false)
    expect(colorEnabled(true, { NO_COLOR: '1' })).toBe(false)
    expect(colorEnabled(true, { TERM: 'dumb' })).toBe(false)
  })
})
