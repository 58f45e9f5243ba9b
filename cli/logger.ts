import type { AllocationEvent } from '../core/types.ts'
import { escapeLines, escapeText } from './escape.ts'
import type { Io } from './io.ts'

export type Verbosity = 'quiet' | 'normal' | 'verbose'

/**
 * Turns library events into stderr lines. Normal: the result line and warnings;
 * quiet: warnings and errors only; verbose: also the start line and every skipped candidate.
 */
export function stderrEvents(io: Io, verbosity: Verbosity) {
  const { yellow, dim } = io.err
  return (event: AllocationEvent) => {
    if (event.type === 'exhausted') return // the thrown error carries the same text
    if (event.level === 'info' && verbosity === 'quiet') return
    // The start line and notes (such as an ignored environment value) only with --verbose.
    if ((event.type === 'start' || event.type === 'note') && verbosity !== 'verbose') return
    if (event.type === 'summary') return // commands print the summary themselves
    const message = escapeLines(event.message)
    io.stderr(`${event.level === 'warn' ? yellow(message) : message}\n`)
    if (verbosity === 'verbose' && event.result) {
      for (const skip of event.result.skipped) {
        io.stderr(dim(`   skipped ${skip.port}: ${escapeText(`${skip.reason}${skip.host ? ` on ${skip.host}` : ''}`)}\n`))
      }
    }
  }
}
