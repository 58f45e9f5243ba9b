/**
 * The four drop-ins, tested from their originals' READMEs (the *.scenarios.mjs files) under Bun
 * (TypeScript source), Node (the ESM bundle) and, for portfinder and detect-port, Node's require().
 */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ROOT, freshStateDir, runCommand } from '../helpers/binary.ts'
import { flockGate } from '../helpers/gate.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const RUN = join(ROOT, 'test', 'dropins', 'run.mjs')
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
    test('under Bun', () => scenarios([process.execPath, RUN, name]))
    test('under Node (import)', () => scenarios(['node', RUN, name]))
    if (name === 'portfinder' || name === 'detect-port') test('under Node (require)', () => scenarios(['node', RUN, name, 'require']))
  })
}

describe('the persistence switch (BERTH_PERSIST=1)', () => {
  const tempDir = tempDirs()

  for (const name of PACKAGES) {
    test(`8 live processes using berth/${name} at once get 8 distinct ports`, async () => {
      const dir = tempDir('berth-race')
      const [start, done] = [await flockGate(dir, 'start'), await flockGate(dir, 'done')]
      const from = await freeRange(21)
      const env = { ...process.env, BERTH_PERSIST: '1', BERTH_STATE_DIR: freshStateDir() }
      const racers = Array.from({ length: 8 }, () =>
        Bun.spawn([process.execPath, join(ROOT, 'test/dropins/fixtures/race.mjs'), start.lock, done.lock, name, String(from)], {
          cwd: ROOT, env, stdout: 'pipe', stderr: 'pipe',
        }))
      await Bun.sleep(1000)
      start.open()
      // Each racer prints its port and then stays alive, holding its lease, until all have answered.
      const ports = await Promise.all(racers.map(async (racer) => {
        const { value } = await racer.stdout.getReader().read()
        return Number(new TextDecoder().decode(value).trim())
      }))
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
    const { createRegistry } = await import('../../core/index.ts')
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
})
