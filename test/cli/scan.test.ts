/** `berth scan` through the compiled binary: held ports found on the main thread and on the workers, bad ranges, the progress bar. */
import { afterEach, describe, expect, test } from 'bun:test'
import { binary, berth, runCommand } from '../helpers/binary.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'

const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

describe('berth scan (the compiled binary)', () => {
  test('a small range (main thread): busy ports with reasons, free count, longest runs', async () => {
    const from = await freeRange(20)
    held.push(await hold('127.0.0.1', from + 5), await hold('::1', from + 12, { ipv6Only: true }))
    const ran = await berth(['scan', `${from}-${from + 19}`, '--json'])
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
    const text = (await berth(['scan', `${from}-${from + 19}`])).stdout
    expect(text).toContain(`${from}-${from + 19} on every loopback and wildcard address: 18 free, 2 busy`)
    expect(text).toContain(`  ${from + 5} in use (on ::)`)
  })

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

  for (const range of ['3100-3000', 'a-b', '0-70000', '3000-', '1-2-3', '3000abc-3100']) {
    test(`the bad range ${range} exits 2 with a message naming it`, async () => {
      const ran = await berth(['scan', range])
      expect(ran).toMatchObject({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(`The range ${JSON.stringify(range)}`)
    })
  }

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
