/**
 * SIGINT and SIGTERM during work that must be all or nothing (`berth up`): the work is told
 * through an AbortSignal, rolls itself back, and the command exits 128 + the signal's number.
 */
import { isPortError } from '../core/errors.ts'
import type { Io } from './io.ts'

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const

/**
 * Runs `work`; on SIGINT/SIGTERM aborts it and, once it has rolled back, exits 130 / 143 at once:
 * a plugin may have left something running that would keep the process alive. Nothing has been
 * written to stdout by then.
 */
export async function interruptible<T>(io: Io, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  let caught: keyof typeof SIGNALS | undefined
  // A second signal while rolling back is ignored: the rollback finishes either way.
  const handlers = Object.keys(SIGNALS).map((name) => {
    const handler = () => {
      caught ??= name as keyof typeof SIGNALS
      controller.abort(name)
    }
    process.on(name, handler)
    return () => process.off(name, handler)
  })
  try {
    return await work(controller.signal)
  } catch (error) {
    if (!caught || !isPortError(error) || error.code !== 'E_ABORTED') throw error
    io.stderr(`Interrupted by ${caught}: every port claimed was given back; no lease changed\n`)
    return process.exit(128 + SIGNALS[caught])
  } finally {
    for (const off of handlers) off()
  }
}
