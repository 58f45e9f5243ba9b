/** `scanPorts`: which ports of a range are free, which are busy and why, and the longest free runs. */
import { PortError } from '../core/errors.ts'
import { createWorkerEngine, type WorkerEngineOptions } from './workers/engine.ts'
import { DEFAULT_TIMEOUT_MS, checkPort, checkPorts, probeHosts } from './check.ts'
import type { ProbeResult, SkipReason } from '../core/types.ts'
import { assertPort } from '../core/validate.ts'

export interface ScanOptions extends Partial<Omit<WorkerEngineOptions, 'probe'>> {
  /** The address services will bind; without it every loopback and wildcard address counts. */
  host?: string
  /** Forces the main thread or the workers; by default the batch size decides. */
  runOn?: 'main' | 'workers'
}

export interface PortRun {
  from: number
  to: number
  length: number
}

export interface ScanReport {
  from: number
  to: number
  host: string | null
  free: number
  busy: Array<{ port: number; reason: SkipReason; host?: string }>
  /** The longest runs of consecutive free ports, longest first (at most 10). */
  runs: PortRun[]
}

/** Consecutive free ports as runs, longest first, ties in port order. */
export function freeRuns(results: readonly ProbeResult[], limit = 10): PortRun[] {
  const runs: PortRun[] = []
  let start: number | null = null
  for (let i = 0; i <= results.length; i++) {
    const r = results[i]
    if (r?.free && start === null) start = r.port
    if (!r?.free && start !== null) {
      const to = results[i - 1]!.port
      runs.push({ from: start, to, length: to - start + 1 })
      start = null
    }
  }
  return runs.sort((a, b) => b.length - a.length || a.from - b.from).slice(0, limit)
}

export async function scanPorts(from: number, to: number, options: ScanOptions = {}): Promise<ScanReport> {
  assertPort(from)
  assertPort(to)
  if (to < from) throw new PortError('E_INVALID_OPTIONS', `The range ${from}-${to} is reversed: the first port must not be above the last`)
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS
  const hosts = probeHosts(options.host)
  const engine = createWorkerEngine({
    ...options,
    timeout,
    probe: (port, h) => checkPort(port, h, timeout),
    batch: (ports, h) => checkPorts(ports, h, timeout),
  })
  try {
    const ports = Array.from({ length: to - from + 1 }, (_, i) => from + i)
    const results = await engine.check(ports, hosts, { runOn: options.runOn })
    const busy = results
      .filter((r) => !r.free)
      .map((r) => ({ port: r.port, reason: r.reason ?? 'in-use', ...(r.host ? { host: r.host } : {}) }))
    return { from, to, host: options.host ?? null, free: results.length - busy.length, busy, runs: freeRuns(results) }
  } finally {
    await engine.destroy()
  }
}
