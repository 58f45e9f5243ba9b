import type { Probe, ProbeResult } from './types.ts'

/**
 * The seam between the allocator and the sockets. The main-thread engine below probes a batch
 * (in order with a synchronous bind, in parallel otherwise); `createWorkerEngine`
 * (probe/workers/engine.ts) adds worker threads for large batches.
 */
export interface CheckOptions {
  /**
   * The caller wants the first free port only: an engine may stop after it and answer a prefix
   * of `ports` ending there (a synchronous bind does; parallel probes answer every port).
   */
  untilFree?: boolean
  /**
   * With `untilFree`: called synchronously the moment a port is found free, before anything
   * else can run (the allocator claims it there). False means "not this one": go on.
   */
  claimNow?: (port: number) => boolean
}

export interface ProbeEngine {
  /** Checks the ports of a batch; the answers come back in the order of `ports` (see `untilFree`). */
  check(ports: readonly number[], hosts: readonly string[], options?: CheckOptions): Promise<ProbeResult[]>
  /** Releases what the engine started (worker threads). */
  destroy?(): Promise<void>
}

/** A check of a whole batch at once, such as the built-in `checkPorts`. */
export type BatchProbe = (ports: readonly number[], hosts: readonly string[], options?: CheckOptions) => Promise<ProbeResult[]>

/** Probes a batch with `batch` when given (the built-in probe), else with one `probe` call per port. */
export function createMainThreadEngine(probe: Probe, batch?: BatchProbe): ProbeEngine {
  return {
    check: batch ?? ((ports, hosts) => Promise.all(ports.map((port) => probe(port, hosts)))),
  }
}
