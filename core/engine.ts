import type { Probe, ProbeResult } from './types.ts'

/**
 * The seam between the allocator and the sockets. The main-thread lane below probes a batch
 * in parallel; `createPooledEngine` (core/pool/engine.ts) adds a worker-pool lane for large batches.
 */
export interface ProbeEngine {
  /** Checks every port of a batch; the answers come back in the order of `ports`. */
  check(ports: readonly number[], hosts: readonly string[]): Promise<ProbeResult[]>
  /** Releases what the engine started (worker threads). */
  destroy?(): Promise<void>
}

export function createMainThreadEngine(probe: Probe): ProbeEngine {
  return {
    check: (ports, hosts) => Promise.all(ports.map((port) => probe(port, hosts))),
  }
}
