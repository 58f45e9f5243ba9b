/**
 * The probing engine behind `ProbeEngine`: small batches on the main thread, large ones split
 * into chunks for worker threads (tinypool). The workers start on the first batch that needs
 * them (never for a `berth get` whose preferred port is free) and are torn down by `destroy()`.
 */
import { PortError } from '../../core/errors.ts'
import { createMainThreadEngine, type BatchProbe, type CheckOptions, type ProbeEngine } from '../../core/engine.ts'
import type { Probe, ProbeResult } from '../../core/types.ts'
import { unpack, type ProbeTask, type ProbeTaskResult } from './probe-task.ts'

export interface WorkerEngineOptions {
  /** The main thread's probe. */
  probe: Probe
  /** The main thread's check of a whole batch (the built-in probe's `checkPorts`); one `probe` per port without it. */
  batch?: BatchProbe
  /** Time allowed for one port check, in milliseconds. */
  timeout: number
  /** Batches of at least this many ports go to the workers (README, "The probing engine"). */
  workerThreshold?: number
  /** Ports per worker task. */
  chunkSize?: number
  /** Worker threads. @default one fewer than the CPUs, at least 1: the main thread probes too */
  threads?: number
  /**
   * Whether the main thread takes chunks of a workers' batch too. @default true, unless
   * `probeModule` gives the workers a check of their own (then only they may answer).
   */
  mainThreadHelps?: boolean
  /** The worker task module; the compiled binary passes its embedded copy. */
  taskUrl?: string | URL
  /** A module whose default export replaces the probe inside workers (tests). */
  probeModule?: string
  /** Called after each chunk with the ports done so far and the batch size. */
  onProgress?: (done: number, total: number) => void
}

export interface WorkerEngine extends ProbeEngine {
  /** Checks the ports where their number calls for; `runOn` forces the main thread or the workers. The workers answer every port. */
  check(ports: readonly number[], hosts: readonly string[], options?: CheckOptions & { runOn?: 'main' | 'workers' }): Promise<ProbeResult[]>
  /** Workers replaced because a check inside them hung. */
  readonly replacedWorkers: number
  /** Whether the workers have been started (for tests: a plain `get` must not start one). */
  readonly workersStarted: boolean
  destroy(): Promise<void>
}

/** Below this the workers' start-up costs more than they save (README, Benchmark, scenario 8). */
export const WORKER_THRESHOLD = 12288
export const CHUNK_SIZE = 4096
/** The main thread probes in batches of this many, so a big scan never holds thousands of sockets. */
const MAIN_THREAD_BATCH = 128
/** A task whose worker stopped answering altogether (a synchronous hang) is abandoned after this much slack. */
const TASK_SLACK_MS = 2000

type Workers = import('tinypool').Tinypool

/**
 * Where the worker task is: beside this file when Bun or Deno run the source, or where
 * build:lib put it when Node runs the bundle (this code may sit in dist/lib/index.js, in a chunk in
 * dist/lib or in a subpath's file such as dist/lib/conformance/index.js). The compiled binary passes `taskUrl` itself.
 */
async function defaultTaskUrl(): Promise<string> {
  const [{ existsSync }, { fileURLToPath }] = await Promise.all([import('node:fs'), import('node:url')])
  const candidates = ['./probe-task.ts', './probe/workers/probe-task.js', '../probe/workers/probe-task.js'].map(
    (path) => new URL(path, import.meta.url),
  )
  const found = candidates.find((url) => existsSync(fileURLToPath(url)))
  if (!found)
    throw new PortError(
      'E_PROBE',
      `The probe worker's task file is missing (looked for ${candidates.map(String).join(', ')}): run "npm run build"`,
    )
  return found.href
}

/** One worker per CPU but one: the main thread takes the last CPU's share (README, "The probing engine"). */
async function defaultThreads(): Promise<number> {
  const os = await import('node:os')
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1)
}

export function createWorkerEngine(options: WorkerEngineOptions): WorkerEngine {
  const main = createMainThreadEngine(options.probe, options.batch)
  const threshold = options.workerThreshold ?? WORKER_THRESHOLD
  const chunkSize = options.chunkSize ?? CHUNK_SIZE
  let workers: Promise<Workers> | undefined
  let replaced = 0

  async function startWorkers(): Promise<Workers> {
    // tinypool (and node:worker_threads) load only now: a plain `berth get` never pays for them.
    const [{ Tinypool }, threads, filename] = await Promise.all([
      import('tinypool'),
      options.threads ?? defaultThreads(),
      options.taskUrl ? String(options.taskUrl) : defaultTaskUrl(),
    ])
    // No Atomics hand-off: under Deno 2.9 a worker waiting on Atomics sometimes missed its next
    // task, which then hit the task deadline; messages cost nothing measurable at 4096 ports a task.
    return new Tinypool({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 1000, useAtomics: false })
  }

  async function onMain(ports: readonly number[], hosts: readonly string[], how: CheckOptions = {}) {
    const results: ProbeResult[] = []
    for (let i = 0; i < ports.length; i += MAIN_THREAD_BATCH) {
      const slice = ports.slice(i, i + MAIN_THREAD_BATCH)
      const answers = await main.check(slice, hosts, how)
      results.push(...answers)
      options.onProgress?.(results.length, ports.length)
      // The caller walks on by itself if the free port found here is not the one it wanted.
      if (how.untilFree && answers.some((r) => r.free)) break
    }
    return results
  }

  /** One chunk in one worker. A worker that stops answering is terminated (tinypool replaces it). */
  async function runChunk(p: Workers, chunk: number[], hosts: readonly string[]): Promise<ProbeTaskResult> {
    const task: ProbeTask = { ports: chunk, hosts: [...hosts], timeout: options.timeout, probeModule: options.probeModule }
    const abort = new AbortController()
    const deadline = options.timeout * Math.ceil(chunk.length / 64) + TASK_SLACK_MS
    const timer = setTimeout(() => abort.abort(), deadline)
    try {
      return (await p.run(task, { signal: abort.signal })) as ProbeTaskResult
    } catch (error) {
      if (!abort.signal.aborted) throw new PortError('E_PROBE', `A probe worker failed: ${(error as Error).message}`, { cause: error })
      replaced++
      return { free: new Uint8Array(chunk.length), busy: chunk.map((port) => ({ port, free: false, reason: 'timeout' })), hung: false }
    } finally {
      clearTimeout(timer)
    }
  }

  /** The main thread's share of a workers' batch: slices, with an event-loop turn after each so the workers' messages get through. */
  async function onMainBetweenMessages(chunk: readonly number[], hosts: readonly string[]): Promise<ProbeResult[]> {
    const results: ProbeResult[] = []
    for (let i = 0; i < chunk.length; i += MAIN_THREAD_BATCH) {
      results.push(...(await main.check(chunk.slice(i, i + MAIN_THREAD_BATCH), hosts)))
      await new Promise((resolve) => setImmediate(resolve))
    }
    return results
  }

  /**
   * The main thread and every worker take the next chunk when done with one. The main thread starts at once,
   * while the workers boot; with a worker for each other CPU, no CPU idles or is shared (one
   * worker more than that was slower: README, Benchmark: "Behind the code's choices").
   */
  async function onWorkers(ports: readonly number[], hosts: readonly string[]) {
    const starting = (workers ??= startWorkers())
    const chunks: number[][] = []
    for (let i = 0; i < ports.length; i += chunkSize) chunks.push(ports.slice(i, i + chunkSize))
    const results: ProbeResult[][] = new Array(chunks.length)
    let next = 0
    let done = 0
    let hung = false
    const takeChunks = async (checkChunk: (chunk: number[]) => Promise<ProbeResult[]>) => {
      while (next < chunks.length) {
        const i = next++
        results[i] = await checkChunk(chunks[i]!)
        options.onProgress?.((done += chunks[i]!.length), ports.length)
      }
    }
    const helps = options.mainThreadHelps ?? !options.probeModule
    const mainShare = helps ? takeChunks((chunk) => onMainBetweenMessages(chunk, hosts)) : Promise.resolve()
    const p = await starting
    const workerShare = () =>
      takeChunks(async (chunk) => {
        const answer = await runChunk(p, chunk, hosts)
        hung ||= answer.hung
        return unpack(chunk, answer)
      })
    await Promise.all([mainShare, ...Array.from({ length: Math.max(1, p.threads.length) }, workerShare)])
    // A worker that abandoned a check may still hold its socket or promise: replace them all.
    if (hung) {
      replaced += p.threads.length
      await p.recycleWorkers()
    }
    return results.flat()
  }

  return {
    check(ports, hosts, how = {}) {
      const runOn = how.runOn ?? (ports.length >= threshold ? 'workers' : 'main')
      if (runOn === 'workers') return onWorkers(ports, hosts)
      // One slice: no need for the slicing loop (an allocation's batches always are).
      return ports.length <= MAIN_THREAD_BATCH && !options.onProgress ? main.check(ports, hosts, how) : onMain(ports, hosts, how)
    },
    get replacedWorkers() {
      return replaced
    },
    get workersStarted() {
      return workers !== undefined
    },
    async destroy() {
      const started = workers
      workers = undefined
      if (started) await (await started).destroy()
    },
  }
}
