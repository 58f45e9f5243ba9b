/**
 * What berth shows on a terminal: colour only from picocolors and only where it belongs, and a
 * progress bar that Ctrl-C clears. `script` gives the binary a pseudo-terminal for its stdout and
 * stderr. Escaped names are checked in-process (lease-commands.test.ts).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import pc from 'picocolors'
import { colorEnabled } from '../../cli/io.ts'
import { binary, berth, freshStateDir, runCommand } from '../helpers/binary.ts'
import { closeAll, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

tempDirs()

const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`
const NO_COLOR_VARS = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color' }

/** Runs the binary with a pseudo-terminal as its stdout and stderr; both arrive on stdout, with \r\n. */
const onTerminal = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCommand(['script', '-qec', `exec ${[binary(), ...args].map(quote).join(' ')}`, '/dev/null'], { ...NO_COLOR_VARS, ...env })

const ESC = '\u001b'
const painted = pc.createColors(true)
const usageLines = (flag: string, error = 'error') => `${error} Unknown option \`${flag}\`\r\nRun "berth --help" for usage.\r\n`

describe('colour', () => {
  test('on a terminal, only the word "error" is coloured, by picocolors; the rest of stderr is plain', async () => {
    const ran = await onTerminal(['get', 'web', '--bogus-flag'])
    expect(ran.code).toBe(2)
    expect(ran.stdout).toBe(usageLines('--bogus-flag', painted.red(painted.bold('error'))))
  })

  test('a log line on a terminal carries no colour codes (the runtime colours nothing)', async () => {
    const base = await freeRange(1)
    const ran = await onTerminal(['get', 'web', '--base', String(base), '--no-persist'])
    expect(ran.code).toBe(0)
    expect(ran.stdout).toBe(`✅ [web] Allocated preferred port ${base} after 1 attempt(s)\r\n${base}\r\n`)
  })

  for (const [label, env] of [
    ['TERM=dumb', { TERM: 'dumb' }],
    ['NO_COLOR=1', { NO_COLOR: '1' }],
    ['NO_COLOR=1 beats FORCE_COLOR=1', { NO_COLOR: '1', FORCE_COLOR: '1' }],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }],
  ] as const) {
    test(`no colour on a terminal with ${label}`, async () => {
      const ran = await onTerminal(['get', 'web', '--bogus-flag'], env)
      expect(ran.code).toBe(2)
      expect(ran.stdout).toBe(usageLines('--bogus-flag'))
      expect(ran.stdout).not.toContain(ESC)
    })
  }

  test('FORCE_COLOR=1 colours stderr into a pipe; without it a pipe gets no colour', async () => {
    const forced = await berth(['get', 'web', '--bogus-flag'], { ...NO_COLOR_VARS, FORCE_COLOR: '1' })
    expect(forced.stderr).toStartWith(`${painted.red(painted.bold('error'))} Unknown option`)
    const plain = await berth(['get', 'web', '--bogus-flag'], NO_COLOR_VARS)
    expect(plain.stderr).not.toContain(ESC)
  })

  test('the policy: NO_COLOR and TERM=dumb win, FORCE_COLOR forces, else only a terminal', () => {
    expect(colorEnabled(true, {})).toBe(true)
    expect(colorEnabled(false, {})).toBe(false)
    expect(colorEnabled(false, { FORCE_COLOR: '1' })).toBe(true)
    expect(colorEnabled(false, { FORCE_COLOR: '3' })).toBe(true)
    expect(colorEnabled(false, { FORCE_COLOR: '' })).toBe(false)
    expect(colorEnabled(true, { FORCE_COLOR: '0' })).toBe(false)
    expect(colorEnabled(true, { FORCE_COLOR: 'false' })).toBe(false)
    expect(colorEnabled(true, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false)
    expect(colorEnabled(true, { TERM: 'dumb', FORCE_COLOR: '1' })).toBe(false)
  })
})

describe('the progress bar', () => {
  /** The pid of the one child of `parent` (the binary that `script` execs). */
  const childOf = (parent: number): number | undefined => {
    try {
      const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim()
      return children ? Number(children.split(/\s+/)[0]) : undefined
    } catch {
      return undefined // `script` has exited already: the scan finished
    }
  }

  test('Ctrl-C during a scan on a terminal clears the bar, and the signal still ends berth', async () => {
    // A scan finishing before the signal lands proves nothing: try again (the range takes hundreds of ms).
    for (let round = 0; round < 5; round++) {
      const proc = Bun.spawn(['script', '-qec', `exec ${quote(binary())} scan 1024-65535`, '/dev/null'], {
        env: { ...process.env, ...NO_COLOR_VARS, BERTH_STATE_DIR: freshStateDir() },
        stdout: 'pipe',
        stderr: 'pipe',
        stdin: 'ignore',
      })
      const reader = proc.stdout.getReader()
      let output = ''
      while (!output.includes('% ')) {
        const chunk = await reader.read()
        if (chunk.done) break
        output += new TextDecoder().decode(chunk.value)
      }
      const pid = childOf(proc.pid)
      if (pid !== undefined) process.kill(pid, 'SIGINT')
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) output += new TextDecoder().decode(chunk.value)
      const code = await proc.exited
      if (code === 0) continue
      expect(code).toBe(130)
      const lastBar = output.lastIndexOf('\rscanning 1024-65535 [')
      expect(lastBar).toBeGreaterThanOrEqual(0)
      const drawn = output.slice(lastBar + 1).indexOf('\r')
      // After the last bar: spaces over it and the cursor back at the start of the line, nothing else.
      expect(output.slice(lastBar + 1 + drawn)).toMatch(/^\r +\r$/)
      expect(output.slice(lastBar + 1 + drawn).length - 2).toBeGreaterThanOrEqual(drawn)
      return
    }
    throw new Error('every scan finished before SIGINT reached it')
  }, 60_000)
})
