/** Shared pieces of the runner's tests: fixtures, quick timings, a collecting output sink. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunnerLine } from '../../runner/service.ts'
import { freshStateDir } from '../helpers/binary.ts'
import { hold } from '../helpers/sockets.ts'

export const FIXTURES = join(import.meta.dir, 'fixtures')
export const fixture = (name: string) => join(FIXTURES, name)

/** Short timings so a test that fails fails fast (no assertion depends on them). */
export const QUICK = { readyTimeoutMs: 5000, pollMs: 10, stopTimeoutMs: 1000, backoffMs: 10, settleMs: 100 }

/** Output and log lines of one run, plus a hook on each stdout line. */
export function collector(onLine?: (line: string) => void) {
  const lines: RunnerLine[] = []
  let stdout = ''
  let stderr = ''
  let partial = ''
  return {
    lines,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    output: (stream: 'stdout' | 'stderr', chunk: Uint8Array) => {
      const text = Buffer.from(chunk).toString('utf8')
      if (stream === 'stderr') {
        stderr += text
        return
      }
      stdout += text
      partial += text
      const parts = partial.split('\n')
      partial = parts.pop()!
      for (const line of parts) onLine?.(line)
    },
    onLog: (line: RunnerLine) => void lines.push(line),
  }
}

/** exec options that collect into `out` and stop the service (SIGTERM) once it is ready. */
export function stopWhenReady(out: ReturnType<typeof collector>) {
  const ac = new AbortController()
  return { output: out.output, onLog: out.onLog, signal: ac.signal, onReady: () => ac.abort('SIGTERM') }
}

/** Options every exec in these tests shares: a fresh registry, its own project folder, no project file. */
export const isolated = (project: string) => ({
  stateDir: freshStateDir(),
  project,
  config: false as const,
  env: { ...process.env, NO_COLOR: '1' },
})

/**
 * Another process taking a service's port between the spawn and the service's own listen, without
 * timing: the fixtures print `started PORT`, then wait for the file `$WAIT_FOR/go.PORT`. The
 * impostor takes the port (when `takes` says so) and only then writes that file.
 */
export function impostor(takes: (port: number, nth: number) => boolean) {
  const marks = mkdtempSync(join(tmpdir(), 'berth-go-'))
  const held: Array<{ close(): Promise<void> }> = []
  let nth = 0
  return {
    env: { WAIT_FOR: marks },
    onLine(line: string) {
      const started = /started (\d+)/.exec(line)
      if (!started) return
      const port = Number(started[1])
      const taking = takes(port, nth++) ? hold('::', port).then((h) => void held.push(h)) : Promise.resolve()
      void taking.then(() => writeFileSync(join(marks, `go.${port}`), ''))
    },
    close: () => Promise.all(held.splice(0).map((h) => h.close())),
  }
}

/** The shell's side of `impostor`: say the port, wait for the go. */
export const WAIT_FOR_GO = 'echo "started $PORT"; while [ ! -e "$WAIT_FOR/go.$PORT" ]; do sleep 0.01; done'
