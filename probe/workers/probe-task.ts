/**
 * The task each probe worker runs: probe one chunk of ports. One message per chunk, not per
 * port: a message per port made a scan on the workers slower than the main thread.
 */
import { checkPorts } from '../check.ts'
import { withTimeout } from '../../core/timeout.ts'
import type { Probe, ProbeResult } from '../../core/types.ts'

export interface ProbeTask {
  ports: number[]
  hosts: string[]
  timeout: number
  /** A module whose default export replaces the socket probe (tests inject a probe that hangs). */
  probeModule?: string
}

/**
 * A chunk's answers, packed: cloning 4096 answer objects back to the main thread kept the
 * worker idle for longer than probing them took; a byte per port crosses at once (scenario 7).
 */
export interface ProbeTaskResult {
  /** One byte per port of the task, in order: 1 when the port is free. */
  free: Uint8Array
  /** The answers for the ports that are not free, in order. */
  busy: ProbeResult[]
  /** True when a check had to be abandoned: its socket or promise may still be pending in this worker. */
  hung: boolean
}

/** The answers of a chunk of `ports`, unpacked, in the order of `ports`. */
export function unpack(ports: readonly number[], packed: ProbeTaskResult): ProbeResult[] {
  const results: ProbeResult[] = new Array(ports.length)
  let next = 0
  for (let i = 0; i < ports.length; i++) results[i] = packed.free[i] ? { port: ports[i]!, free: true } : packed.busy[next++]!
  return results
}

/** How many checks of a chunk are in flight at once (bounded, so a chunk never needs thousands of sockets). */
const IN_FLIGHT = 64

type Batch = (ports: number[]) => Promise<ProbeResult[]>

/**
 * The built-in check bounds itself (and a synchronous Bun bind cannot hang), so it runs bare;
 * an injected probe is raced against the timeout here, so a check that never answers costs its port only.
 */
async function loadBatch(task: ProbeTask): Promise<Batch> {
  if (!task.probeModule) return (ports) => checkPorts(ports, task.hosts, task.timeout)
  const injected = ((await import(task.probeModule)) as { default: Probe }).default
  const late = (port: number) => (): ProbeResult => ({ port, free: false, reason: 'timeout' })
  return (ports) => Promise.all(ports.map((port) => withTimeout(injected(port, task.hosts), task.timeout, late(port))))
}

export default async function probeChunk(task: ProbeTask): Promise<ProbeTaskResult> {
  const batch = await loadBatch(task)
  const free = new Uint8Array(task.ports.length)
  const busy: ProbeResult[] = []
  for (let start = 0; start < task.ports.length; start += IN_FLIGHT) {
    const answers = await batch(task.ports.slice(start, start + IN_FLIGHT))
    for (let i = 0; i < answers.length; i++) {
      if (answers[i]!.free) free[start + i] = 1
      else busy.push(answers[i]!)
    }
  }
  return { free, busy, hung: busy.some((r) => r.reason === 'timeout') }
}
