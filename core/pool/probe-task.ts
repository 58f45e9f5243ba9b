/**
 * The task each pool worker runs: probe one chunk of ports. One message per chunk, not per
 * port: a message per port made a pooled scan slower than the main thread.
 */
import { checkPort, checkPorts } from '../probe.ts'
import { withTimeout } from '../timeout.ts'
import type { Probe, ProbeResult } from '../types.ts'

export interface ProbeTask {
  ports: number[]
  hosts: string[]
  timeout: number
  /** A module whose default export replaces the socket probe (tests inject a probe that hangs). */
  probeModule?: string
}

export interface ProbeTaskResult {
  results: ProbeResult[]
  /** True when a check had to be abandoned: its socket or promise may still be pending in this worker. */
  hung: boolean
}

/** How many checks of a chunk are in flight at once (bounded, so a chunk never needs thousands of sockets). */
const IN_FLIGHT = 64

/**
 * The built-in probe bounds itself (and a synchronous Bun bind cannot hang), so it runs bare;
 * an injected one is raced against the timeout here, so a check that never answers costs its port only.
 */
async function loadProbe(task: ProbeTask): Promise<Probe> {
  if (!task.probeModule) return (port, hosts) => checkPort(port, hosts, task.timeout)
  const injected = ((await import(task.probeModule)) as { default: Probe }).default
  const late = (port: number) => (): ProbeResult => ({ port, free: false, reason: 'timeout' })
  return (port, hosts) => withTimeout(injected(port, hosts), task.timeout, late(port))
}

export default async function probeChunk(task: ProbeTask): Promise<ProbeTaskResult> {
  const one = await loadProbe(task)
  const batch = task.probeModule ? (ports: number[]) => Promise.all(ports.map((port) => one(port, task.hosts))) : (ports: number[]) => checkPorts(ports, task.hosts, task.timeout)
  const results: ProbeResult[] = new Array(task.ports.length)
  for (let start = 0; start < task.ports.length; start += IN_FLIGHT) {
    const answers = await batch(task.ports.slice(start, start + IN_FLIGHT))
    for (let i = 0; i < answers.length; i++) results[start + i] = answers[i]!
  }
  return { results, hung: results.some((r) => r.reason === 'timeout') }
}
