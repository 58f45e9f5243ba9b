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
import { median } from './measure.ts'

/** A child whose own start-up is ~1 ms, so what berth adds is not lost in a runtime's start-up noise. */
const FIRST_LINE = ['/bin/echo', 'up']
const epochMs = () => performance.timeOrigin + performance.now()
const stateDir = () => join(mkdtempSync(join(tmpdir(), 'berth-bench-')), 'state')

/** 1: the child's first line, bare spawn against `exec` (library, lease registry on, no readiness wait). */
export async function addedLatency(rounds: number, binary: string): Promise<Array<[string, number]>> {
  const base = await freeRange(1)
  const dir = stateDir()
  const project = mkdtempSync(join(tmpdir(), 'berth-bench-proj-'))
  const bare = async () => {
    const t0 = performance.now()
    const { spawn } = await import('node:child_process')
    const child = spawn(FIRST_LINE[0]!, FIRST_LINE.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
    const ms = await new Promise<number>((resolve) => child.stdout!.once('data', () => resolve(performance.now() - t0)))
    await new Promise((resolve) => child.once('exit', resolve))
    return ms
  }
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
  const viaBinary = async () => {
    const t0 = performance.now()
    const proc = Bun.spawn(
      [binary, 'exec', 'bench', '--base', String(base), '--project', project, '--no-ready', '-q', '--', ...FIRST_LINE],
      { stdout: 'pipe', stderr: 'inherit', env: { ...process.env, BERTH_STATE_DIR: dir } },
    )
    const reader = proc.stdout.getReader()
    await reader.read()
    const ms = performance.now() - t0
    await proc.exited
    return ms
  }
  const bareMs: number[] = []
  const execMs: number[] = []
  const binaryMs: number[] = []
  await viaExec() // the registry file is made once, not in a timed round
  for (let i = 0; i < rounds; i++) {
    bareMs.push(await bare())
    execMs.push(await viaExec())
    binaryMs.push(await viaBinary())
  }
  return [
    ['bare spawn', median(bareMs)],
    ['exec() (library)', median(execMs)],
    ['dist/berth exec', median(binaryMs)],
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
export async function runnerFigures(binary: string): Promise<string[]> {
  const lines: string[] = []
  const latency = await addedLatency(15, binary)
  lines.push("12a. time to the child's first line, /bin/echo (ms, median of 15 rounds in turn)")
  for (const [name, ms] of latency)
    lines.push(`   ${name}: ${ms.toFixed(2)} (${(ms / latency[0]![1]).toFixed(2)}x, +${(ms - latency[0]![1]).toFixed(2)} ms)`)
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

if (import.meta.main) console.log((await runnerFigures(join(import.meta.dir, '..', 'dist/berth'))).join('\n'))
