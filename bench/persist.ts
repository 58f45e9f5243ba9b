/** Persistence figures: what the registry costs a cold `berth get`, and the 32 × 4 cross-process run. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeRange } from '../test/helpers/sockets.ts'
import { buildFloor } from './floor-build.ts'
import { timeSpawnsInTurn } from './measure.ts'

const stateDir = () => join(mkdtempSync(join(tmpdir(), 'berth-bench-')), 'state')

/**
 * Median cold `berth get` with the registry (sticky, owner = this process) and with --no-persist,
 * in turn with the two floors: a compiled binary that only prints, and one that also writes one
 * row to SQLite as the registry does (bench/sqlite-floor.ts).
 */
export async function coldPersist(berth: string, floor: string): Promise<Array<[string, number]>> {
  const base = String(await freeRange(1))
  const env = { BERTH_STATE_DIR: stateDir() }
  const [persist, plain, printOnly, sqlite] = timeSpawnsInTurn(
    50,
    [
      [berth, 'get', 'bench', '--base', base, '-q'],
      [berth, 'get', 'bench', '--base', base, '-q', '--no-persist'],
      [floor],
      [buildFloor('sqlite-floor'), base],
    ],
    env,
  )
  return [
    ['berth get (registry)', persist!],
    ['berth get --no-persist', plain!],
    ['floor: compiled bun, prints a line', printOnly!],
    ['floor: compiled bun, one SQLite write as the registry makes it', sqlite!],
  ]
}

/** The registry's cost over --no-persist, and SQLite's own share of it (the floors' difference). */
export function persistCost(rows: Array<[string, number]>): string {
  const [[, persist], [, plain], [, printOnly], [, sqlite]] = rows as [
    [string, number],
    [string, number],
    [string, number],
    [string, number],
  ]
  const ms = (n: number) => `${n.toFixed(2)} ms`
  return `The registry adds ${ms(persist - plain)} to a cold berth get; a durable SQLite write alone adds ${ms(sqlite - printOnly)} to any compiled Bun binary (${Math.round(((sqlite - printOnly) / plain) * 100)}% of a berth get --no-persist).`
}

/** 32 shells, each running `berth get` for 4 services, all at once. Returns wall time and distinct ports. */
export async function crossProcess(berth: string, extra: string[]): Promise<{ ms: number; distinct: number; total: number }> {
  const from = await freeRange(300)
  const env = { ...process.env, BERTH_STATE_DIR: stateDir(), BERTH: berth }
  const script = `for s in a b c d; do "$BERTH" get "$ID-$s" --base ${from} --max ${from + 299} -q ${extra.join(' ')} || exit 1; done`
  const start = performance.now()
  const procs = Array.from({ length: 32 }, (_, i) =>
    Bun.spawn(['sh', '-c', script.replace('$ID', `p${i}`)], { env, stdout: 'pipe', stderr: 'ignore' }),
  )
  const outputs = await Promise.all(procs.map((p) => new Response(p.stdout).text()))
  const ms = performance.now() - start
  const ports = outputs.flatMap((out) => out.trim().split('\n').map(Number))
  return { ms, distinct: new Set(ports).size, total: ports.length }
}
