/** The real sockets behind the core's `Probing` seam (core/probing.ts): what `createAllocator` is given. */
import type { Probing } from '../core/probing.ts'
import { checkPort, checkPorts, probeHosts } from './check.ts'
import { findHolder } from './holder.ts'
import { createWorkerEngine } from './workers/engine.ts'

export const socketProbing: Probing = {
  hostsFor: (host) => probeHosts(host),
  checkPort,
  checkPorts,
  createEngine: (parts) => createWorkerEngine(parts),
  findHolder,
}
