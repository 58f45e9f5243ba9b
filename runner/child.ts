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

export async function spawnChild(options: SpawnOptions): Promise<Child> {
  const { spawn } = await import('node:child_process')
  const { argv, hold, passFd, output } = options
  const env = { ...options.env }
  let command = [...argv]
  const fd = passFd ? hold?.fd : undefined
  if (passFd && fd != null) {
    Object.assign(env, { LISTEN_FDS: '1', LISTEN_FDNAMES: passFd.name })
    // LISTEN_PID must be the receiver's own pid: a shell that sets it and then execs the command keeps its pid.
    command = ['/bin/sh', '-c', 'LISTEN_PID=$$ exec "$@"', 'sh', ...argv]
  }
  const stdio: Array<'inherit' | 'pipe' | 'ignore' | number> = ['inherit', output ? 'pipe' : 'inherit', 'pipe']
  if (fd != null && passFd) stdio.push(fd)
  let child: ChildProcess
  try {
    child = spawn(command[0]!, command.slice(1), { env, cwd: options.cwd, stdio, detached: true })
  } finally {
    // The same tick as the spawn: the child exists (or failed to), and the port is its now.
    hold?.release()
  }
  let tail = Buffer.alloc(0)
  child.stdout?.on('data', (chunk: Buffer) => output?.('stdout', chunk))
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk])
    if (tail.length > STDERR_TAIL_BYTES) tail = tail.subarray(tail.length - STDERR_TAIL_BYTES)
    if (output) output('stderr', chunk)
    else process.stderr.write(chunk)
  })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: 127, signal: null, error }))
    child.once('exit', (code, signal) => {
      // stderr's last lines arrive with 'close'; a grandchild that keeps the pipe open must not hold the answer back.
      void Promise.race([closed, delay(200)]).then(() => resolve({ code, signal }))
    })
  })
  const pid = child.pid ?? -1
  return {
    pid,
    exited,
    stderrTail: () => tail.toString('utf8'),
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
