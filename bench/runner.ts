/**
 * The runner's figures (issue 15): what `exec` adds before the child's first line, the unguarded
 * window from the hold's release to the child's listen, and the time from the child listening to
 * berth reporting ready. Real children, real sockets on loopback.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnChild } from '../runner/child.ts'
import { exec } from '../runner/exec.ts'
import { createHolds } from '../runner/hold.ts'
import { listeningInodes } from '../runner/proc-tree.ts'
import { freeRange } from '../test/helpers/sockets.ts'
import { buildFloor } from './floor-build.ts'
import { median } from './measure.ts'

/** A child whose own start-up is ~1 ms, so what berth adds is not lost in a runtime's start-up noise. */
const FIRST_LINE = ['/bin/echo', 'up']
const epochMs = () => performance.timeOrigin + performance.now()
const stateDir = () => join(mkdtempSync(join(tmpdir(), 'berth-bench-')), 'state')

/** ms from the spawn of `argv` to the first bytes on its stdout. */
async function firstLine(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const t0 = performance.now()
  const proc = Bun.spawn(argv, { stdout: 'pipe', stderr: 'inherit', env })
  await proc.stdout.getReader().read()
  const ms = performance.now() - t0
  await proc.exited
  return ms
}

export interface Latency {
  rounds: number
  /** Medians, ms to the child's first line. */
  bare: number
  library: number
  /** A compiled Bun binary that only prints a line: what any such binary costs to start. */
  floor: number
  binary: number
}

/**
 * 1: the child's first line, bare spawn against `exec` (library and binary; lease registry on, no
 * readiness wait), beside the floor binary's own first line. Every round runs the four in a random
 * order: measured in a fixed order, each one would find the machine as the one before it left it.
 */
export async function addedLatency(rounds: number, binary: string, floor: string): Promise<Latency> {
  const base = await freeRange(1)
  const dir = stateDir()
  const project = mkdtempSync(join(tmpdir(), 'berth-bench-proj-'))
  const viaExec = async () => {
    const t0 = performance.now()
    let ms = 0
    await exec('bench', FIRST_LINE, {
      basePort: base,
      stateDir: dir,
      project,
      config: false,
      ready: false,
      output: (stream) => void (stream === 'stdout' && ms === 0 && (ms = performance.now() - t0)),
    })
    return ms
  }
  const binaryEnv = { ...process.env, BERTH_STATE_DIR: dir }
  const binaryArgv = [binary, 'exec', 'bench', '--base', String(base), '--project', project, '--no-ready', '-q', '--', ...FIRST_LINE]
  const runs = {
    bare: () => firstLine(FIRST_LINE),
    library: viaExec,
    floor: () => firstLine([floor]),
    binary: () => firstLine(binaryArgv, binaryEnv),
  }
  const names = Object.keys(runs) as Array<keyof typeof runs>
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof runs, number[]>
  // Untimed: the registry file is made, and each command's files are in the page cache.
  for (const name of names) await runs[name]()
  for (let i = 0; i < rounds; i++) {
    const order = [...names].sort(() => Math.random() - 0.5)
    for (const name of order) samples[name].push(await runs[name]())
  }
  return {
    rounds,
    bare: median(samples.bare),
    library: median(samples.library),
    floor: median(samples.floor),
    binary: median(samples.binary),
  }
}

/** Scenario 12a's lines: each against the bare spawn, and the binary also against the floor. */
export function latencyLines(l: Latency): string[] {
  const over = (ms: number) => `${ms.toFixed(2)} (${(ms / l.bare).toFixed(2)}x, +${(ms - l.bare).toFixed(2)} ms)`
  return [
    `12a. time to the child's first line, /bin/echo (ms, median of ${l.rounds} rounds, the four in a random order each round)`,
    `   bare spawn: ${l.bare.toFixed(2)}`,
    `   exec() (library): ${over(l.library)}`,
    `   floor, a compiled Bun binary that prints a line: ${over(l.floor)}`,
    `   dist/berth exec: ${over(l.binary)}; beyond the floor: +${(l.binary - l.floor).toFixed(2)} ms`,
  ]
}

/** 2: ms from the release of the hold (the spawn) until /proc shows the child's LISTEN socket, polled every 1 ms. */
export async function unguardedWindow(rounds: number, argv: string[]): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const port = await freeRange(1)
    const holds = createHolds()
    await holds.probe(port, ['::'])
    const hold = holds.keep(port)!
    const child = await spawnChild({ argv, env: { ...process.env, PORT: String(port) }, hold, output: () => {} })
    const released = performance.now()
    while ((await listeningInodes(port)).size === 0) await Bun.sleep(1)
    samples.push(performance.now() - released)
    await child.stop(2000)
  }
  return median(samples)
}

/** 3: ms from the child's own "listening" moment (its clock) to berth's ready report, at the default polling. */
export async function listenToReady(rounds: number): Promise<number> {
  const samples: number[] = []
  const script = 'require("http").createServer().listen(+process.env.PORT, () => console.log(performance.timeOrigin + performance.now()))'
  for (let i = 0; i < rounds; i++) {
    const ac = new AbortController()
    let listenedAt = 0
    await exec('bench', ['node', '-e', script], {
      basePort: await freeRange(1),
      persist: false,
      config: false,
      signal: ac.signal,
      output: (stream, chunk) => void (stream === 'stdout' && (listenedAt = Number(Buffer.from(chunk).toString().trim()))),
      onReady: () => {
        samples.push(epochMs() - listenedAt)
        ac.abort('SIGTERM')
      },
    })
  }
  return median(samples)
}

/** The runner's three figures as printable lines (`npm run bench`, or `bun bench/runner.ts` alone). */
export async function runnerFigures(binary: string, floor: string): Promise<string[]> {
  const lines = latencyLines(await addedLatency(100, binary, floor))
  lines.push('12b. unguarded window: the hold released at the spawn until the child LISTENs (ms, median of 7)')
  lines.push(
    `   node http: ${(await unguardedWindow(7, ['node', '-e', 'require("http").createServer().listen(+process.env.PORT)'])).toFixed(1)}`,
  )
  lines.push(
    `   Bun.serve: ${(await unguardedWindow(7, [process.execPath, '-e', 'Bun.serve({ port: +process.env.PORT, fetch: () => new Response() }); setInterval(() => {}, 1000)'])).toFixed(1)}`,
  )
  lines.push('   --fd: 0 (the listening socket is never closed)')
  lines.push(`12c. the child listening → berth reports ready (ms, median of 15, default polling): ${(await listenToReady(15)).toFixed(1)}`)
  return lines
}

if (import.meta.main) console.log((await runnerFigures(join(import.meta.dir, '..', 'dist/berth'), buildFloor())).join('\n'))
