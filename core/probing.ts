/**
 * What the allocator needs from the probe layer, given to it rather than imported: the core
 * defines the shape, and the layer that builds an allocator (spec/allocator.ts) passes the real
 * sockets (probe/). A test or another runtime may pass its own.
 */
import type { BatchProbe, ProbeEngine } from './engine.ts'
import type { Probe, ProbeResult } from './types.ts'

/** The spec's bound on one port check, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 1000

/** Who listens on a port, as far as this user can see. */
export interface PortHolder {
  pid: number
  command: string
}

export interface Probing {
  /** The addresses to check for a request's `host`; throws `E_INVALID_OPTIONS` for a host that is no address. */
  hostsFor(host: string | undefined): string[]
  /** Checks one port on `hosts` within `timeout` milliseconds. */
  checkPort(port: number, hosts: readonly string[], timeout: number): Promise<ProbeResult>
  /** Checks a batch within `timeout` per port (see `CheckOptions`). */
  checkPorts: (
    ports: readonly number[],
    hosts: readonly string[],
    timeout: number,
    options?: Parameters<BatchProbe>[2],
  ) => Promise<ProbeResult[]>
  /** The engine an allocator probes with: `probe` per port, or `batch` for a whole batch. */
  createEngine(parts: { probe: Probe; batch?: BatchProbe; timeout: number }): ProbeEngine
  /** The listener on `port`, for the strict-mode message; null when not visible. */
  findHolder(port: number): Promise<PortHolder | null>
}
