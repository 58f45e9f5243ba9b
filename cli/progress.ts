/** A one-line progress bar on stderr, drawn only on a terminal and at most ten times a second. */
import type { Io } from './io.ts'

const WIDTH = 30
const INTERRUPTS = ['SIGINT', 'SIGTERM'] as const

export function progressBar(io: Io, label: string): { update(done: number, total: number): void; end(): void } | null {
  if (!io.stderrIsTerminal()) return null
  let last = 0
  let drawn = 0
  // Spaces over the line rather than an erase sequence: plain text, right on any terminal.
  const clear = () => {
    if (drawn > 0) io.stderrRaw(`\r${' '.repeat(drawn)}\r`)
    drawn = 0
  }
  // Ctrl-C would leave the bar on the line the shell prompt then starts on: clear it, then let the
  // signal end the process as it would have.
  const interrupted = (signal: (typeof INTERRUPTS)[number]) => {
    clear()
    stopListening()
    process.kill(process.pid, signal)
  }
  const stopListening = () => INTERRUPTS.forEach((signal) => process.off(signal, interrupted))
  INTERRUPTS.forEach((signal) => process.on(signal, interrupted))
  return {
    update(done, total) {
      const now = performance.now()
      if (done < total && now - last < 100) return
      last = now
      const filled = Math.round((done / total) * WIDTH)
      const percent = Math.floor((done / total) * 100)
      const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${percent}% ${done}/${total}`
      io.stderrRaw(`\r${line}`)
      drawn = Math.max(drawn, line.length)
    },
    end() {
      stopListening()
      // Clear the line so the report starts clean.
      clear()
    },
  }
}
