/**
 * One child process of the runner: started in a process group of its own, stderr tee'd (the last
 * 8 KiB kept to recognise "address in use"), signals sent to the whole group, and stopped with
 * SIGTERM, then SIGKILL when it does not end in time.
 */
import type { ChildProcess } from 'node:child_process'
import type { Hold } from './hold.ts'

export const STDERR_TAIL_BYTES = 8192

export interface Exit {
  /** The exit code, or null when a signal ended it. */
  code: number | null
  signal: NodeJS.Signals | null
  /** Set when the command could not be started at all (ENOENT, EACCES). */
  error?: Error
}

export type OutputSink = (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void

export interface SpawnOptions {
  argv: readonly string[]
  env: Record<string, string | undefined>
  cwd?: string
  /** The held port: closed in the same tick as the spawn, or passed as fd 3 with `passFd`. */
  hold?: Hold
  /** systemd's socket activation: the listening socket as fd 3, LISTEN_FDS=1, LISTEN_FDNAMES, LISTEN_PID. */
  passFd?: { name: string }
  /** Where output goes. Without it stdout is inherited and stderr written to this process's stderr. */
  output?: OutputSink
}

export interface Child {
  pid: number
  exited: Promise<Exit>
  /** The last 8 KiB of stderr, as text. */
  stderrTail(): string
  /** Sends `signal` to the child's process group. */
  signal(signal: NodeJS.Signals): void
  /** SIGTERM (or `signal`) to the group, SIGKILL after `timeoutMs`; resolves when the child and its group are gone. */
  stop(timeoutMs: number, signal?: NodeJS.Signals): Promise<Exit>
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Whether any process of group `pgid` is left. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // The group is gone already.
  }
}

/** A started process as both runtimes give it: its output as it comes, its exit, and the end of its output. */
interface Started {
  pid: number
  /** The exit; code 127 with the error when the command could not be started. */
  exit: Promise<Exit>
  /** Resolves when stdout and stderr (the pipes berth reads) have ended. */
  closed: Promise<void>
}

type Stdio = Array<'inherit' | 'pipe' | number>
type OnData = (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void

const notStarted = (error: unknown): Started => ({
  pid: -1,
  exit: Promise.resolve({ code: 127, signal: null, error: error as Error }),
  closed: Promise.resolve(),
})

interface BunChild {
  pid: number
  stdout?: ReadableStream<Uint8Array> | number | null
  stderr?: ReadableStream<Uint8Array> | number | null
  exited: Promise<number>
  exitCode: number | null
  signalCode: NodeJS.Signals | null
}
interface BunGlobal {
  spawn(argv: string[], options: object): BunChild
}

/**
 * Under Bun, `Bun.spawn` (`detached`: a session and process group of its own, as Node's): Bun's
 * `node:child_process` is built on it, and loading that module and its streams was a large part
 * of a cold `berth exec` before the spawn (README, Benchmark, scenario 12).
 */
function bunSpawn(bun: BunGlobal, command: string[], options: { env: object; cwd?: string; stdio: Stdio }, onData: OnData): Started {
  let child: BunChild
  try {
    child = bun.spawn(command, { env: options.env, cwd: options.cwd, stdio: options.stdio, detached: true })
  } catch (error) {
    return notStarted(error)
  }
  const pump = async (stream: BunChild['stdout'], name: 'stdout' | 'stderr') => {
    if (!(stream instanceof ReadableStream)) return
    for await (const chunk of stream) onData(name, chunk)
  }
  return {
    pid: child.pid,
    exit: child.exited.then(() => ({ code: child.signalCode ? null : child.exitCode, signal: child.signalCode })),
    closed: Promise.all([pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]).then(
      () => {},
      () => {},
    ),
  }
}

/** Elsewhere (Node, Deno), `node:child_process`. */
async function nodeSpawn(command: string[], options: { env: object; cwd?: string; stdio: Stdio }, onData: OnData): Promise<Started> {
  const { spawn } = await import('node:child_process')
  let child: ChildProcess
  try {
    child = spawn(command[0]!, command.slice(1), {
      env: options.env as NodeJS.ProcessEnv,
      cwd: options.cwd,
      stdio: options.stdio,
      detached: true,
    })
  } catch (error) {
    return notStarted(error)
  }
  child.stdout?.on('data', (chunk: Buffer) => onData('stdout', chunk))
  child.stderr?.on('data', (chunk: Buffer) => onData('stderr', chunk))
  const exit = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: 127, signal: null, error }))
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  return { pid: child.pid ?? -1, exit, closed: new Promise((resolve) => child.once('close', () => resolve())) }
}

const bun = (globalThis as { Bun?: BunGlobal }).Bun

export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const { argv, hold, passFd, output } = options
  const env = { ...options.env }
  let command = [...argv]
  const fd = passFd ? hold?.fd : undefined
  if (passFd && fd != null) {
    Object.assign(env, { LISTEN_FDS: '1', LISTEN_FDNAMES: passFd.name })
    // LISTEN_PID must be the receiver's own pid: a shell that sets it and then execs the command keeps its pid.
    command = ['/bin/sh', '-c', 'LISTEN_PID=$$ exec "$@"', 'sh', ...argv]
  }
  const stdio: Stdio = ['inherit', output ? 'pipe' : 'inherit', 'pipe']
  if (fd != null && passFd) stdio.push(fd)
  // Buffer is first touched once stderr has output, after the spawn: its first use is a visible part of a cold `berth exec`.
  let tail: Uint8Array = new Uint8Array(0)
  const onData: OnData = (stream, chunk) => {
    if (stream === 'stdout') return output?.('stdout', chunk)
    tail = Buffer.concat([tail, chunk])
    if (tail.length > STDERR_TAIL_BYTES) tail = tail.subarray(tail.length - STDERR_TAIL_BYTES)
    if (output) output('stderr', chunk)
    else process.stderr.write(chunk)
  }
  let child: Started
  try {
    child = bun
      ? bunSpawn(bun, command, { env, cwd: options.cwd, stdio }, onData)
      : await nodeSpawn(command, { env, cwd: options.cwd, stdio }, onData)
  } finally {
    // The same tick as the spawn: the child exists (or failed to), and the port is its now.
    hold?.release()
  }
  const exited = child.exit.then(async (exit) => {
    // stderr's last lines arrive with the end of the pipes; a grandchild that keeps them open must not hold the answer back.
    if (!exit.error) await Promise.race([child.closed, delay(200)])
    return exit
  })
  const pid = child.pid
  return {
    pid,
    exited,
    stderrTail: () => new TextDecoder().decode(tail),
    signal: (signal) => pid > 0 && signalGroup(pid, signal),
    async stop(timeoutMs, signal = 'SIGTERM') {
      if (pid <= 0) return exited
      signalGroup(pid, signal)
      const deadline = Date.now() + timeoutMs
      const timedOut = await Promise.race([exited.then(() => false), delay(timeoutMs).then(() => true)])
      if (timedOut) signalGroup(pid, 'SIGKILL')
      const exit = await exited
      // What the child started in its group (a grandchild under `sh -c`) goes too, in the same time.
      while (groupAlive(pid) && Date.now() < deadline) await delay(20)
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL')
      return exit
    },
  }
}
