/**
 * What `who`, `kill`, `check --json` and `scan --json` say about a port's holder: its sockets and
 * processes (/proc), berth's lease on it, and the container that publishes it. Each source is
 * best effort: one that cannot be read leaves its part empty, never the port "free".
 */
import type { Lease } from '../registry/lease.ts'
import { listContainers, publisherOf, type Container } from '../plugins/containers/index.ts'
import type { ProcessInfo } from '../probe/owners.ts'
import { holdersOf, isHolding, type SocketHolder, type WhoOptions } from '../probe/who.ts'
import { withRegistry } from './commands/leases.ts'
import type { Io } from './io.ts'
import { userName } from './user-names.ts'

export interface ContainerView {
  id: string
  name: string
  runtime: string
  project: string | null
  service: string | null
}

export interface PortReport {
  port: number
  /** A listener or bound socket is on the port, or a container publishes it. */
  held: boolean
  sockets: Array<SocketHolder & { user: string }>
  lease: { project: string; service: string; state: string; pid: number | null } | null
  container: ContainerView | null
}

const view = (c: Container): ContainerView => ({ id: c.id, name: c.name, runtime: c.runtime, project: c.project, service: c.service })

/** The container of a port: the one that publishes it, else the one a holding process runs in (by cgroup). */
function containerOf(port: number, sockets: readonly SocketHolder[], containers: readonly Container[]): ContainerView | null {
  const published = publisherOf(containers, port)
  if (published) return view(published)
  const inside = sockets.flatMap((s) => s.processes).find((p: ProcessInfo) => p.containerId !== null)
  if (!inside) return null
  const known = containers.find((c) => c.id === inside.containerId)
  return known ? view(known) : { id: inside.containerId!, name: inside.containerId!, runtime: 'unknown', project: null, service: null }
}

async function leasesAt(ports: readonly number[], io: Io): Promise<Map<number, Lease>> {
  try {
    return await withRegistry(
      io,
      (registry) =>
        new Map(
          ports.flatMap((port) => {
            const lease = registry.leaseAt(port)
            return lease ? [[port, lease] as const] : []
          }),
        ),
    )
  } catch {
    // No usable registry: the answer about the sockets still stands.
    return new Map()
  }
}

export interface ReportOptions extends WhoOptions {
  /** Leave out berth's leases (scan: many ports). */
  leases?: boolean
}

export async function portReports(ports: readonly number[], io: Io, options: ReportOptions = {}): Promise<PortReport[]> {
  const [holders, leases, found] = await Promise.all([
    holdersOf(ports, options),
    options.leases === false ? Promise.resolve(new Map<number, Lease>()) : leasesAt(ports, io),
    listContainers({ env: io.env }),
  ])
  for (const hint of found.hints) io.stderr(`${hint}\n`)
  return ports.map((port) => {
    const sockets = holders.get(port)!.map((s) => ({ ...s, user: userName(s.uid) }))
    const lease = leases.get(port)
    const container = containerOf(port, sockets, found.containers)
    return {
      port,
      sockets,
      container,
      held: sockets.some(isHolding) || publisherOf(found.containers, port) !== undefined,
      lease: lease ? { project: lease.project, service: lease.service, state: lease.state, pid: lease.ownerPid } : null,
    }
  })
}

/** The short holder `check --json` and `scan --json` add to a busy port: where it is visible. */
export function holderSummary(report: PortReport) {
  const listener = report.sockets.find((s) => isHolding(s))
  const process = listener?.processes[0]
  if (!listener && !report.container) return null
  return {
    pid: process?.pid ?? null,
    command: process?.command ?? null,
    uid: listener?.uid ?? null,
    user: listener ? listener.user : null,
    container: report.container?.name ?? null,
  }
}

/** The line for a holder this user cannot see. */
export const hiddenLine = (s: { uid: number; user: string }) =>
  `held by uid ${s.uid} (${s.user}); run as root or as that user to see the process`
