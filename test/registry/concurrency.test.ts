/**
 * The cross-process guarantee: 32 processes × 4 allocations at the same moment, through the
 * compiled CLI and through the library, yield 128 distinct ports, each bindable afterwards.
 * Without the registry, today's finders give 2 or 3 distinct ports in this situation.
 */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ROOT, binary, freshStateDir } from '../helpers/binary.ts'
import { flockGate } from '../helpers/gate.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const PROCESSES = 32
const ROUNDS = 3
const tempDir = tempDirs()

const gate = () => flockGate(tempDir('berth-gate'))

async function runAll(commands: string[][], env: Record<string, string>, lockGate: { open(): void }) {
  const procs = commands.map((cmd) => Bun.spawn(cmd, { cwd: env.PROJECT, env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' }))
  // Let every process load and block at the gate; correctness does not depend on this wait.
  await Bun.sleep(1500)
  lockGate.open()
  return Promise.all(
    procs.map(async (proc) => {
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
      if (code !== 0) throw new Error(`exit ${code}: ${stderr}`)
      return stdout
    }),
  )
}

async function expectDistinctAndBindable(ports: number[], from: number, to: number) {
  expect(ports).toHaveLength(PROCESSES * 4)
  expect(new Set(ports).size).toBe(PROCESSES * 4)
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(from)
    expect(port).toBeLessThanOrEqual(to)
    expect(await canBind(port, '::')).toBe(true)
  }
}

const setup = () => ({ PROJECT: tempDir('berth-project'), BERTH_STATE_DIR: freshStateDir() })

describe(`${PROCESSES} processes × 4 allocations at once`, () => {
  test('through the compiled CLI: 128 distinct ports, bindable, in every round', async () => {
    const from = await freeRange(300)
    const to = from + 299
    const env = setup()
    for (let round = 0; round < ROUNDS; round++) {
      const lockGate = await gate()
      const script = `flock -s "$LOCK" true; for s in a b c d; do "$BERTH" get "$ID-$s" --base ${from} --max ${to} -q || exit 1; done`
      const commands = Array.from({ length: PROCESSES }, (_, i) => ['sh', '-c', script.replaceAll('$ID', `p${i}`)])
      const outputs = await runAll(commands, { ...env, LOCK: lockGate.lock, BERTH: binary() }, lockGate)
      await expectDistinctAndBindable(
        outputs.flatMap((out) => out.trim().split('\n').map(Number)),
        from,
        to,
      )
    }
  }, 120_000)

  test('through the library with persist(): 128 distinct ports, bindable, in every round', async () => {
    const from = await freeRange(300)
    const to = from + 299
    const env = setup()
    const fixture = join(ROOT, 'test', 'registry', 'fixtures', 'allocate-four.ts')
    for (let round = 0; round < ROUNDS; round++) {
      const lockGate = await gate()
      const commands = Array.from({ length: PROCESSES }, (_, i) => [
        process.execPath,
        fixture,
        lockGate.lock,
        `p${i}`,
        String(from),
        String(to),
      ])
      const outputs = await runAll(commands, env, lockGate)
      await expectDistinctAndBindable(
        outputs.flatMap((out) => JSON.parse(out) as number[]),
        from,
        to,
      )
    }
  }, 120_000)
})
