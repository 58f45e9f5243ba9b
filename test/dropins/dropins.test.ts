/**
 * The four drop-ins, tested from their originals' READMEs and source (the *.scenarios.mjs files)
 * under Bun (TypeScript source and require()), Node (the ESM bundle and the CommonJS build), Deno, and
 * the same scenarios against each original under Node, so every expectation is the original's
 * answer. Then each drop-in inside the test runners its users run: jest, vitest, mocha, node:test.
 */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ROOT, freshStateDir, runCommand } from '../helpers/binary.ts'
import { flockGate } from '../helpers/gate.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

// At the top: every describe below makes state folders, removed after the whole file.
const tempDir = tempDirs()

const RUN = join(ROOT, 'test', 'dropins', 'run.mjs')
const DENO = join(ROOT, 'node_modules', '.bin', 'deno')
const PACKAGES = ['get-port', 'portfinder', 'detect-port', 'get-port-please'] as const

interface Outcome {
  name: string
  ok: boolean
  error?: string
}

async function scenarios(cmd: string[]) {
  const ran = await runCommand(cmd)
  if (ran.code !== 0) throw new Error(`${cmd.join(' ')} exited ${ran.code}: ${ran.stderr}`)
  const outcomes = JSON.parse(ran.stdout) as Outcome[]
  expect(outcomes.length).toBeGreaterThan(5)
  // Every failing scenario is listed by name with its error.
  expect(outcomes.filter((o) => !o.ok)).toEqual([])
}

for (const name of PACKAGES) {
  describe(`berth/${name}`, () => {
    test('under Bun', () => scenarios([process.execPath, RUN, name]), 30_000)
    test('under Bun (require)', () => scenarios([process.execPath, RUN, name, 'require']), 30_000)
    test('under Node (import)', () => scenarios(['node', RUN, name]), 30_000)
    test('under Node (require)', () => scenarios(['node', RUN, name, 'require']), 30_000)
    test(
      'under Deno',
      () => scenarios([DENO, 'run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys', RUN, name]),
      30_000,
    )
    // get-port is ESM only; the others are required as their users do.
    test(
      `the scenarios hold for ${name} itself`,
      () => scenarios(['node', RUN, name, name === 'get-port' ? 'import' : 'require', 'original']),
      30_000,
    )
    test(`odd inputs and hosts get the answers ${name} gives (differential, Node)`, async () => {
      const ran = await runCommand(['node', join(ROOT, 'test', 'dropins', 'differential.mjs'), name], { PORT: undefined, HOST: undefined })
      expect(ran.code, ran.stderr).toBe(0)
      expect(JSON.parse(ran.stdout)).toEqual([])
    }, 30_000)
  })
}

describe('inside the test runners', () => {
  const RUNNERS = join(ROOT, 'test', 'dropins', 'runners')
  const bin = (path: string) => join(ROOT, 'node_modules', path)
  const jest = [bin('jest/bin/jest.js'), '--config', join(RUNNERS, 'jest/jest.config.cjs'), '--rootDir', join(RUNNERS, 'jest')]
  const vitest = [bin('vitest/vitest.mjs'), 'run', '--root', join(RUNNERS, 'vitest')]
  const mocha = [bin('mocha/bin/mocha.js'), join(RUNNERS, 'mocha/dropins.check.cjs')]
  const cases: Array<[string, string[], string]> = [
    ['jest, CommonJS require (Node)', ['node', ...jest], 'Tests:       4 passed, 4 total'],
    ['jest, CommonJS require (Bun)', [process.execPath, '--bun', ...jest], 'Tests:       4 passed, 4 total'],
    ['vitest, import (Node)', ['node', ...vitest], '4 passed'],
    ['vitest, import (Bun)', [process.execPath, '--bun', ...vitest], '4 passed'],
    ['mocha, require (Node)', ['node', ...mocha], '4 passing'],
    ['mocha, require (Bun)', [process.execPath, ...mocha], '4 passing'],
    ['node:test, import (Node)', ['node', '--test', join(RUNNERS, 'node-test/dropins.check.mjs')], '# pass 4'],
    ['node:test, import (Bun)', [process.execPath, 'test', './dropins.check.mjs'], '4 pass'],
  ]
  for (const [title, cmd, passed] of cases) {
    test(title, async () => {
      const cwd = title.startsWith('node:test, import (Bun)') ? join(RUNNERS, 'node-test') : ROOT
      const ran = await runCommand(cmd, { NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' }, cwd)
      const output = ran.stdout + ran.stderr
      expect({ code: ran.code, passed: output.includes(passed) }, output).toEqual({ code: 0, passed: true })
    }, 30_000)
  }
})

describe('the persistence switch (BERTH_PERSIST=1)', () => {
  for (const name of PACKAGES) {
    test(`8 live processes using berth/${name} at once get 8 distinct ports`, async () => {
      const dir = tempDir('berth-race')
      const [start, done] = [await flockGate(dir, 'start'), await flockGate(dir, 'done')]
      const from = await freeRange(21)
      const env = { ...process.env, BERTH_PERSIST: '1', BERTH_STATE_DIR: freshStateDir() }
      const racers = Array.from({ length: 8 }, () =>
        Bun.spawn([process.execPath, join(ROOT, 'test/dropins/fixtures/race.mjs'), start.lock, done.lock, name, String(from)], {
          cwd: ROOT,
          env,
          stdout: 'pipe',
          stderr: 'pipe',
        }),
      )
      await Bun.sleep(1000)
      start.open()
      // Each racer prints its port and then stays alive, holding its lease, until all have answered.
      const ports = await Promise.all(
        racers.map(async (racer) => {
          const { value } = await racer.stdout.getReader().read()
          return Number(new TextDecoder().decode(value).trim())
        }),
      )
      done.open()
      const codes = await Promise.all(racers.map((racer) => racer.exited))
      expect(codes).toEqual(Array(8).fill(0))
      expect(new Set(ports).size).toBe(8)
      for (const port of ports) expect(port).toBeGreaterThanOrEqual(from)
    }, 30_000)
  }
})

describe('the persistence switch as an option', () => {
  test('setPersistence({ stateDir }) records each drop-in port as a lease of this process', async () => {
    const { setPersistence, default: getPort, clearLockedPorts } = await import('../../dropins/get-port.ts')
    const { createRegistry } = await import('../../registry/registry.ts')
    const stateDir = freshStateDir()
    setPersistence({ stateDir })
    try {
      const port = await getPort({ port: await freeRange(1) })
      const registry = await createRegistry(stateDir)
      const leases = registry.list()
      registry.close()
      expect(leases.map((l) => [l.port, l.ownerPid, l.state])).toEqual([[port, process.pid, 'active']])
      expect(leases[0]!.service).toStartWith('drop-in:get-port:')
    } finally {
      setPersistence(false)
      clearLockedPorts()
    }
  })

  test('with the switch on, sequential detect-port calls in one process still answer the same port', async () => {
    const { setPersistence, default: detect } = await import('../../dropins/detect-port.ts')
    const { createRegistry } = await import('../../registry/registry.ts')
    const stateDir = freshStateDir()
    setPersistence({ stateDir })
    try {
      const port = await freeRange(1)
      expect([await detect(port), await detect(port)]).toEqual([port, port])
      const registry = await createRegistry(stateDir)
      const leases = registry.list()
      registry.close()
      expect(leases.map((l) => [l.port, l.ownerPid, l.state])).toEqual([[port, process.pid, 'active']])
    } finally {
      setPersistence(false)
    }
  })
})
