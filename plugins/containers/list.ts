/**
 * The running containers of every daemon found, with their published host ports, from
 * `GET /containers/json`. A missing socket or a refused connection means no daemon: no
 * containers, nothing said. Permission denied (or no answer in time) gives one hint.
 */
import { daemonGet, DaemonError } from './client.ts'
import { daemonSockets, pathExists, type DaemonSocket } from './sockets.ts'

export interface PublishedPort {
  /** The host address, `0.0.0.0` or `::` for every address. */
  ip: string
  hostPort: number
  containerPort: number
  protocol: 'tcp' | 'udp' | 'sctp'
}

export interface Container {
  id: string
  name: string
  runtime: DaemonSocket['runtime']
  /** Compose's project and service labels (Docker Compose and podman-compose set them). */
  project: string | null
  service: string | null
  ports: PublishedPort[]
}

export interface ContainerList {
  containers: Container[]
  /** One line when a daemon could not be asked (permission denied, no answer in time). */
  hints: string[]
}

export interface ListOptions {
  env?: Readonly<Record<string, string | undefined>>
  /** The sockets to ask; by default the ones daemonSockets finds. */
  sockets?: DaemonSocket[]
  timeout?: number
  client?: 'bun' | 'node'
}

interface ApiContainer {
  Id?: unknown
  Names?: unknown
  Labels?: Record<string, unknown> | null
  Ports?: Array<{ IP?: unknown; PrivatePort?: unknown; PublicPort?: unknown; Type?: unknown }> | null
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

function toContainer(raw: ApiContainer, runtime: DaemonSocket['runtime']): Container | null {
  const id = text(raw.Id)
  if (!id) return null
  const names = Array.isArray(raw.Names) ? raw.Names.filter((n): n is string => typeof n === 'string') : []
  const labels = raw.Labels ?? {}
  const ports = (raw.Ports ?? []).flatMap((p): PublishedPort[] => {
    // Unpublished ports have no PublicPort.
    if (!Number.isInteger(p.PublicPort) || (p.PublicPort as number) < 1 || (p.PublicPort as number) > 65535) return []
    const protocol = p.Type === 'udp' || p.Type === 'sctp' ? p.Type : 'tcp'
    return [{ ip: text(p.IP) ?? '0.0.0.0', hostPort: p.PublicPort as number, containerPort: Number(p.PrivatePort) || 0, protocol }]
  })
  return {
    id: id.slice(0, 12),
    runtime,
    name: (names[0] ?? id.slice(0, 12)).replace(/^\//, ''),
    project: text(labels['com.docker.compose.project']),
    service: text(labels['com.docker.compose.service']),
    ports,
  }
}

const SILENT = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'ENOTDIR'])

function hintFor(socket: DaemonSocket, error: DaemonError): string {
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return `Containers: cannot read ${socket.path} (permission denied): published ports of ${socket.runtime} containers are not known to berth; join the socket's group, or set DOCKER_HOST`
  }
  if (error.code === 'ETIMEDOUT')
    return `Containers: ${socket.path} did not answer within 1 s: published ports of ${socket.runtime} containers are not known to berth`
  return `Containers: ${socket.path} could not be asked (${error.code}): published ports of ${socket.runtime} containers are not known to berth`
}

export async function listContainers(options: ListOptions = {}): Promise<ContainerList> {
  // Only paths that exist are connected to: with no daemon (the usual case) nothing is loaded or asked.
  const candidates = options.sockets ?? daemonSockets(options.env ?? globalThis.process?.env ?? {})
  const present = await Promise.all(candidates.map((s) => pathExists(s.path)))
  const sockets = candidates.filter((_, i) => present[i])
  const answers = await Promise.all(
    sockets.map(async (socket) => {
      try {
        const body = await daemonGet(socket.path, '/containers/json', { timeout: options.timeout, client: options.client })
        const list = Array.isArray(body) ? (body as ApiContainer[]) : []
        return { containers: list.map((raw) => toContainer(raw, socket.runtime)).filter((c): c is Container => c !== null), hint: null }
      } catch (error) {
        const failure = error instanceof DaemonError ? error : new DaemonError('EIO', String(error))
        return { containers: [], hint: SILENT.has(failure.code) ? null : hintFor(socket, failure) }
      }
    }),
  )
  // A daemon reached through two paths (DOCKER_HOST and the default) lists its containers twice.
  const seen = new Set<string>()
  const containers = answers.flatMap((a) => a.containers).filter((c) => !seen.has(c.id) && seen.add(c.id) !== undefined)
  return { containers, hints: answers.flatMap((a) => (a.hint ? [a.hint] : [])) }
}

/** "web-1 (compose shop/web)", or just the name. */
export function containerLabel(container: Container): string {
  const compose = container.project && container.service ? ` (compose ${container.project}/${container.service})` : ''
  return `${container.name}${compose}`
}

/** The container that publishes `port` on the host, if any. */
export function publisherOf(containers: readonly Container[], port: number, protocol: 'tcp' | 'udp' = 'tcp'): Container | undefined {
  return containers.find((c) => c.ports.some((p) => p.hostPort === port && p.protocol === protocol))
}
