/**
 * Stopping what listens on a port: only LISTEN owners of that exact port, never a client. The
 * owner's process group gets the signal (a dev server under `sh -c` or npm dies with its
 * wrapper), unless that group is berth's own or an ancestor's: then only the owner. SIGKILL
 * follows after the timeout if the port still has a listener.
 */
import { ancestorsOf, processInfo, type ProcessInfo } from '../probe/owners.ts'
import { whoHolds, type SocketHolder } from '../probe/who.ts'

export interface KillTarget {
  pid: number
  command: string
  uid: number | null
  /** What gets the signal: `-pgid` for the group, or the pid alone. */
  signalled: number
}

export interface Refusal {
  pid: number
  command: string
  why: string
}

export interface KillPlan {
  targets: KillTarget[]
  refused: Refusal[]
  /** Listeners whose process this user cannot see: their uids. */
  hiddenUids: number[]
}

export interface PlanOptions {
  /** Also another user's processes. */
  force?: boolean
}

/** The pids and groups berth must never signal: itself, its ancestors and their groups, pid 1. */
async function protectedSets(): Promise<{ pids: Set<number>; groups: Set<number> }> {
  const own = globalThis.process.pid
  const pids = new Set([own, 1, ...(await ancestorsOf(own))])
  const groups = new Set<number>()
  for (const pid of pids) {
    const pgid = (await processInfo(pid))?.pgid
    if (pgid) groups.add(pgid)
  }
  return { pids, groups }
}

export async function planKill(sockets: readonly SocketHolder[], options: PlanOptions = {}): Promise<KillPlan> {
  const listeners = sockets.filter((s) => s.state === 'LISTEN')
  const { pids, groups } = await protectedSets()
  const myUid = globalThis.process.getuid?.() ?? -1
  const owners = new Map<number, ProcessInfo>()
  for (const s of listeners) for (const p of s.processes) owners.set(p.pid, p)
  const plan: KillPlan = {
    targets: [],
    refused: [],
    hiddenUids: [...new Set(listeners.filter((s) => s.processes.length === 0 && s.hidden).map((s) => s.uid))],
  }
  for (const p of owners.values()) {
    const refuse = (why: string) => plan.refused.push({ pid: p.pid, command: p.command, why })
    if (p.pid === globalThis.process.pid) refuse('it is berth itself')
    else if (p.pid === 1) refuse('it is pid 1 (init)')
    else if (pids.has(p.pid)) refuse('it is an ancestor of berth (the shell or script that ran it)')
    else if (p.uid !== myUid && !options.force) refuse(`it belongs to uid ${p.uid}, not to you: add --force to stop it anyway`)
    else {
      const group = p.pgid !== null && p.pgid > 1 && !groups.has(p.pgid) ? -p.pgid : p.pid
      plan.targets.push({ pid: p.pid, command: p.command, uid: p.uid, signalled: group })
    }
  }
  return plan
}

export interface KillOutcome {
  /** What was signalled, and with which signals. */
  sent: Array<{ target: number; signal: string }>
  /** No listener was left on the port at the end. */
  free: boolean
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const listening = async (port: number) => (await whoHolds(port)).some((s) => s.state === 'LISTEN')

/** Waits until nothing listens on `port`, at most `timeout` ms; true when it is free. */
async function waitFree(port: number, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (!(await listening(port))) return true
    if (Date.now() >= deadline) return false
    await sleep(50)
  }
}

function send(target: number, signal: string, sent: KillOutcome['sent']): void {
  try {
    globalThis.process.kill(target, signal as NodeJS.Signals)
    sent.push({ target, signal })
  } catch (error) {
    // Gone in the meantime: nothing to stop.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
  }
}

export async function executeKill(port: number, plan: KillPlan, options: { signal: string; timeout: number }): Promise<KillOutcome> {
  const sent: KillOutcome['sent'] = []
  const targets = [...new Set(plan.targets.map((t) => t.signalled))]
  for (const target of targets) send(target, options.signal, sent)
  let free = await waitFree(port, options.timeout)
  if (!free && options.signal !== 'SIGKILL') {
    for (const target of targets) send(target, 'SIGKILL', sent)
    free = await waitFree(port, 1000)
  }
  return { sent, free }
}
