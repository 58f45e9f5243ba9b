/**
 * How long a drop-in's claim on a port lasts. get-port locks its ports for a while and can release
 * them; portfinder, detect-port and get-port-please have no release call, so their claim must not
 * outlive the answer: the original remembers nothing, and `detect(await detect())` answers the same
 * free port twice. Calls that overlap in time must still never get the same port.
 */
import { releaseClaim } from '../core/claims.ts'

/**
 * `locked`: until the drop-in releases it (get-port's locks). `answer`: until the answer is
 * delivered; while calls overlap, their ports stay claimed until the last of them has answered,
 * so overlapping calls never get the same port and a later call may get it again.
 */
export type ClaimLifetime = 'locked' | 'answer'

let answering = 0
const endWithTheAnswers = new Set<number>()

/**
 * Opens one call of an API without release; the returned function closes it, just before the
 * answer is delivered. The ports such calls claimed are freed when no call is left open.
 */
export function openAnswer(): () => void {
  answering++
  let open = true
  return () => {
    if (!open) return
    open = false
    if (--answering === 0) {
      for (const port of endWithTheAnswers) releaseClaim(port)
      endWithTheAnswers.clear()
    }
  }
}

/** Runs one call of an API without release (see `openAnswer`). */
export function whileAnswering<T>(work: () => Promise<T>): Promise<T> {
  const close = openAnswer()
  let running: Promise<T>
  try {
    running = work()
  } catch (error) {
    close()
    throw error
  }
  // Closed before the caller's continuation runs: `detect(await detect())` gets the same port twice.
  return running.then(
    (value) => {
      close()
      return value
    },
    (error: unknown) => {
      close()
      throw error
    },
  )
}

/** Records how long the claim on `port`, just made, lasts. */
export function claimed(port: number, lifetime: ClaimLifetime): void {
  if (lifetime === 'answer') endWithTheAnswers.add(port)
}
