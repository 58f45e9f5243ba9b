/** A one-line progress bar on stderr, drawn only on a terminal and at most ten times a second. */
import type { Io } from './io.ts'

const WIDTH = 30

export function progressBar(io: Io, label: string): { update(done: number, total: number): void; end(): void } | null {
  if (!io.stderrIsTerminal()) return null
  let last = 0
  let drawn = false
  return {
    update(done, total) {
      const now = performance.now()
      if (done < total && now - last < 100) return
      last = now
      const filled = Math.round((done / total) * WIDTH)
      const percent = Math.floor((done / total) * 100)
      io.stderrRaw(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent}% ${done}/${total}`)
      drawn = true
    },
    end() {
      // Clear the line so the report starts clean.
      if (drawn) io.stderrRaw('\r\x1b[2K')
    },
  }
}
