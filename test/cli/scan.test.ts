/**
 * `berth scan` through the compiled binary: the workers it embeds find held ports, and the progress
 * bar on a terminal. Small ranges and bad ranges run in-process (commands.test.ts, usage.test.ts).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { binary, berth, runCommand } from '../helpers/binary.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

tempDirs()

const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

describe('berth scan (the compiled binary)', () => {
  test('a range big enough for the worker pool finds the same held ports, and the binary exits by itself', async () => {
    // The kernel picks the ports, so they are free to hold; the range spans them and at least 9000 ports.
    const holders = [await hold('0.0.0.0', 0), await hold('::1', 0, { ipv6Only: true }), await hold('::', 0)]
    held.push(...holders)
    const ports = holders.map((h) => h.port).sort((a, b) => a - b)
    const from = Math.max(1024, ports[0]! - 100)
    const to = Math.min(65535, Math.max(from + 8999, ports[2]! + 100))
    const ran = await runCommand([binary(), 'scan', `${from}-${to}`, '--json'])
    expect(ran.code).toBe(0)
    const report = JSON.parse(ran.stdout)
    expect(report.free + report.busy.length).toBe(to - from + 1)
    const busy = report.busy.map((b: { port: number }) => b.port)
    for (const port of ports) expect(busy).toContain(port)
  }, 30_000)

  test('a progress bar on a terminal, none otherwise', async () => {
    const from = await freeRange(1)
    const range = `${Math.min(from, 65535 - 9999)}-${Math.min(from, 65535 - 9999) + 9999}`
    expect((await berth(['scan', range])).stderr).toBe('')
    // `script` gives the binary a pseudo-terminal for its stdout and stderr.
    const tty = await runCommand(['script', '-qec', `${binary()} scan ${range}`, '/dev/null'])
    expect(tty.code).toBe(0)
    expect(tty.stdout).toContain(`scanning ${range} [`)
    expect(tty.stdout).toContain('100%')
  }, 30_000)
})
