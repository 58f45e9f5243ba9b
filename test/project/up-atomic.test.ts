/** `berth up` is all or nothing: on failure, and when SIGTERM or SIGINT arrives half-way (issue 13, item 9). */
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, binary } from '../helpers/binary.ts'
import { makeProject } from '../helpers/project.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

const BLOCKER = join(ROOT, 'test', 'project', 'fixtures', 'block-after.ts')

function eightServices(from: number) {
  const services = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`s${i + 1}`, { base: from + i * 10, max: from + i * 10 + 9 }]))
  return makeProject(tempDir, { plugins: [BLOCKER], environments: { development: { services } } })
}

describe('berth up is all or nothing', () => {
  test('a failed up changes no lease: the other services keep their remembered ports', async () => {
    const from = await freeRange(100)
    const p = eightServices(from)
    expect((await p.runFromShell(['up'])).code).toBe(0)
    const before = await p.leases()
    expect(before).toHaveLength(8)
    // s8's whole range is taken now: up must fail and leave every lease as it was.
    held.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => hold('127.0.0.1', from + 70 + i)))))
    const failed = await p.runFromShell(['up'])
    expect(failed.code).toBe(1)
    expect(await p.leases()).toEqual(before)
  })

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`${signal} half-way: every claim is rolled back, the leases are as before, exit ${code}`, async () => {
      const from = await freeRange(100)
      const p = eightServices(from)
      expect((await p.run(['up'])).code).toBe(0)
      const before = await p.leases()
      const marker = join(p.root, 'claimed')
      const env = { ...process.env, ...p.env, BLOCK_AFTER: 's4', BLOCK_MARKER: marker, NO_COLOR: '1' } as Record<string, string>
      const up = Bun.spawn([binary(), 'up'], { cwd: p.root, env, stdout: 'pipe', stderr: 'pipe' })
      // Wait until s4 is claimed and the plugin holds up the rest (no timing: the file says so).
      while (!existsSync(marker)) await Bun.sleep(5)
      up.kill(signal)
      const [stderr, exit] = await Promise.all([new Response(up.stderr).text(), up.exited])
      expect(exit).toBe(code)
      expect(stderr).toContain(`Interrupted by ${signal}: every port claimed was given back; no lease changed`)
      expect(await p.leases()).toEqual(before)
    })
  }

  test('interrupted on its first run, up leaves no lease at all', async () => {
    const from = await freeRange(100)
    const p = eightServices(from)
    const marker = join(p.root, 'claimed')
    const env = { ...process.env, ...p.env, BLOCK_AFTER: 's3', BLOCK_MARKER: marker } as Record<string, string>
    const up = Bun.spawn([binary(), 'up'], { cwd: p.root, env, stdout: 'pipe', stderr: 'pipe' })
    while (!existsSync(marker)) await Bun.sleep(5)
    up.kill('SIGTERM')
    expect(await up.exited).toBe(143)
    expect(await p.leases()).toEqual([])
  })
})

describe('attempts and races', () => {
  test('a deferred (dormant) port is counted once: two ports, "after 2 attempts"', async () => {
    const p = makeProject(tempDir)
    const base = await freeRange(2)
    await p.runFromShell(['get', 'x', '--base', String(base), '--max', String(base + 1)])
    await p.runFromShell(['get', 'y', '--base', String(base), '--max', String(base + 1)])
    expect((await p.leases()).map((l) => l.state)).toEqual(['dormant', 'dormant'])
    held.push(await hold('127.0.0.1', base), await hold('127.0.0.1', base + 1))
    const ran = await p.run(['get', 'z', '--base', String(base), '--max', String(base + 1)])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(`No available ports found in range ${base}-${base + 1} after 2 attempts.`)
  })
})
