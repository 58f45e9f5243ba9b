/** Shared pieces of the runner's tests: fixtures, quick timings, a collecting output sink. */
import { join } from 'node:path'
import type { RunnerLine } from '../../runner/service.ts'
import { freshStateDir } from '../helpers/binary.ts'

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

/** Options every exec in these tests shares: a fresh registry, its own project folder, no project file. */
export const isolated = (project: string) => ({
  stateDir: freshStateDir(),
  project,
  config: false as const,
  env: { ...process.env, NO_COLOR: '1' },
})
