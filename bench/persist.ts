/** Persistence figures: what the registry costs a cold `berth get`, and the 32 × 4 cross-process run. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeRange } from '../test/helpers/sockets.ts'
import { timeSpawn } from './measure.ts'

const stateDir = () => join(mkdtempSync(join(tmpdir(), 'berth-bench-')), 'state')

/** Median cold `berth get` with the registry (sticky, owner = this process) and with --no-persist. */
export async function coldPersist(berth: string): Promise<Array<[string, number]>> {
  const base = String(await freeRange(1))
  const env = { BERTH_STATE_DIR: stateDir() }
  // Alternating rounds so that machine noise hits both sides alike.
  const persist: number[] = []
  const plain: number[] = []
  for (let i = 0; i < 5; i++) {
    persist.push(timeSpawn(10, [berth, 'get', 'bench', '--base', base, '-q'], env))
    plain.push(timeSpawn(10, [berth, 'get', 'bench', '--base', base, '-q', '--no-persist'], env))
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!
  return [['berth get (registry)', mid(persist)], ['berth get --no-persist', mid(plain)]]
}

/** 32 shells, each running `berth get` for 4 services, all at once. Returns wall time and distinct ports. */
export async function crossProcess(berth: string, extra: string[]): Promise<{ ms: number; distinct: number; total: number }> {
  const from = await freeRange(300)
  const env = { ...process.env, BERTH_STATE_DIR: stateDir(), BERTH: berth }
  const script = `for s in a b c d; do "$BERTH" get "$ID-$s" --base ${from} --max ${from + 299} -q ${extra.join(' ')} || exit 1; done`
  const start = performance.now()
  const procs = Array.from({ length: 32 }, (_, i) => Bun.spawn(['sh', '-c', script.replace('$ID', `p${i}`)], { env, stdout: 'pipe', stderr: 'ignore' }))
  const outputs = await Promise.all(procs.map((p) => new Response(p.stdout).text()))
  const ms = performance.now() - start
  const ports = outputs.flatMap((out) => out.trim().split('\n').map(Number))
  return { ms, distinct: new Set(ports).size, total: ports.length }
}
