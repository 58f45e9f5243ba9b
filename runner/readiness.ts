/**
 * Waiting until a started service really serves its port. By default: a process of the child's
 * tree LISTENs on the leased port (/proc), so a listener of anyone else is never taken for the
 * service. Off Linux a connect probe, which cannot tell whose listener answered. With the socket
 * handed over (`--fd`) the port listens before the child does: the child's tree still holding the
 * socket after a settle time is the default, and a readiness probe, when given, is the real check.
 */
import type { Child, Exit } from './child.ts'
import { checkOnce, untilThreshold, type CheckContext, type ProbeSpec } from './probes.ts'
import { listenerOf, procAvailable, treeHoldsInode, type Listener } from './proc-tree.ts'

export interface ReadinessOptions extends CheckContext {
  child: Child
  timeoutMs: number
  /** How often /proc is read. */
  pollMs: number
  /** `--fd`: the handed-over socket's inode and how long the child must keep it. */
  handedOver?: { inode: string | null; settleMs: number }
  probe?: ProbeSpec
}

export type Readiness =
  | { state: 'ready'; ms: number; how: string }
  | { state: 'exited'; exit: Exit; ms: number }
  | { state: 'timeout'; ms: number; last: Listener | null }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves with the step's value, or with the child's exit when it comes first. */
function orExit<T>(step: Promise<T>, exited: Promise<Exit>): Promise<{ value: T } | { exit: Exit }> {
  return Promise.race([step.then((value) => ({ value })), exited.then((exit) => ({ exit }))])
}

export async function waitReady(options: ReadinessOptions): Promise<Readiness> {
  const { child, port, timeoutMs, pollMs } = options
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), timeoutMs)
  let last: Listener | null = null
  try {
    // Step 1: the port is the service's.
    let how: string
    if (options.handedOver) {
      const { inode, settleMs } = options.handedOver
      how = `holds the socket berth handed over as fd 3 (${settleMs} ms settle time)`
      if (!options.probe) {
        const settled = await orExit(sleep(Math.min(settleMs, timeoutMs)), child.exited)
        if ('exit' in settled) return { state: 'exited', exit: settled.exit, ms: elapsed() }
        if (inode !== null && procAvailable() && !(await treeHoldsInode(child.pid, inode))) {
          return { state: 'timeout', ms: elapsed(), last: null }
        }
      }
    } else if (procAvailable()) {
      for (;;) {
        if (deadline.signal.aborted) return { state: 'timeout', ms: elapsed(), last }
        const seen = await orExit(listenerOf(port, child.pid), child.exited)
        if ('exit' in seen) return { state: 'exited', exit: seen.exit, ms: elapsed() }
        last = seen.value
        if (last.kind === 'ours') {
          how = `pid ${last.pid} listens`
          break
        }
        const waited = await orExit(sleep(pollMs), child.exited)
        if ('exit' in waited) return { state: 'exited', exit: waited.exit, ms: elapsed() }
      }
    } else {
      how = 'a connection was accepted; not verified to be the service (no /proc here)'
      for (;;) {
        if (deadline.signal.aborted) return { state: 'timeout', ms: elapsed(), last }
        const ok = await orExit(checkOnce({ tcp_socket: {}, timeout_seconds: pollMs / 1000 }, options), child.exited)
        if ('exit' in ok) return { state: 'exited', exit: ok.exit, ms: elapsed() }
        if (ok.value) break
        await sleep(pollMs)
      }
    }
    // Step 2: the readiness probe, when there is one.
    if (options.probe) {
      const passed = await orExit(untilThreshold(options.probe, options, 'success', deadline.signal), child.exited)
      if ('exit' in passed) return { state: 'exited', exit: passed.exit, ms: elapsed() }
      if (passed.value !== true) return { state: 'timeout', ms: elapsed(), last }
      how += ', and its readiness probe passed'
    }
    return { state: 'ready', ms: elapsed(), how }
  } finally {
    clearTimeout(timer)
    deadline.abort()
  }
}
