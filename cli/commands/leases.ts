/** `berth list`, `berth release`, `berth gc`: looking at and tidying the lease registry. */
import { checkPort, probeHosts } from '../../probe/check.ts'
import { createRegistry, type Lease, type Registry } from '../../registry/registry.ts'
import { findProjectRoot } from '../../registry/project.ts'
import { parsePortText } from '../../core/validate.ts'
import { resolveStateDir } from '../../registry/dir.ts'
import { mayRemove } from '../../registry/users.ts'
import { usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { escapeLines, escapeText } from '../escape.ts'
import type { Io } from '../io.ts'
import { projectEnv, type ProjectFlag } from '../project.ts'
import { userName } from '../user-names.ts'

export async function withRegistry<T>(io: Io, work: (registry: Registry) => Promise<T> | T): Promise<T> {
  const registry = await createRegistry(await resolveStateDir(undefined, io.env))
  // A damaged registry is repaired wherever it is found, at open or later: say so, once.
  const tell = () => registry.warnings.splice(0).forEach((warning) => io.stderr(`${escapeLines(warning)}\n`))
  tell()
  try {
    return await work(registry)
  } finally {
    tell()
    registry.close()
  }
}

export const toJson = (lease: Lease) => ({
  project: lease.project,
  service: lease.service,
  port: lease.port,
  host: lease.host,
  pid: lease.ownerPid,
  // Every process the port was handed to that kept the lease: the latest first.
  owners: [...(lease.ownerPid === null ? [] : [lease.ownerPid]), ...lease.otherOwners.map((o) => o.pid)],
  uid: lease.uid,
  state: lease.state,
  leaseUntil: lease.leaseUntil && new Date(lease.leaseUntil).toISOString(),
  createdAt: new Date(lease.createdAt).toISOString(),
  renewedAt: new Date(lease.renewedAt).toISOString(),
  // The port conflict the runner moved the service away from, and who held that port.
  movedFrom: lease.movedFrom && { ...lease.movedFrom, at: new Date(lease.movedFrom.at).toISOString() },
})

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows
    .map(
      (row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('')
}

/** `berth list [--json]`: every lease, with whether its owner still runs. */
export function listCommand(options: { json?: boolean }, io: Io): Promise<number> {
  return withRegistry(io, (registry) => {
    const leases = registry.list()
    if (options.json) {
      io.stdout(`${JSON.stringify(leases.map(toJson))}\n`)
      return EXIT.ok
    }
    if (leases.length === 0) {
      io.stderr(`No leases in ${escapeText(registry.path)}\n`)
      return EXIT.ok
    }
    const { green, dim } = io.out
    // A shared registry's leases show whose they are. Names are escaped before padding, so the
    // columns line up with what the terminal shows.
    const user = (l: Lease) => (registry.shared ? [userName(l.uid)] : [])
    const rows = leases.map((l) =>
      [l.service, String(l.port), l.host ?? '*', l.ownerPid === null ? '-' : String(l.ownerPid), ...user(l), l.state, l.project].map(
        escapeText,
      ),
    )
    const header = ['SERVICE', 'PORT', 'HOST', 'PID', ...(registry.shared ? ['USER'] : []), 'STATE', 'PROJECT']
    const lines = table([header, ...rows]).split('\n')
    // Colour after padding, so escape codes do not upset the column widths.
    io.stdout(lines.map((line, i) => (i === 0 ? line : leases[i - 1]?.state === 'active' ? green(line) : dim(line))).join('\n'))
    return EXIT.ok
  })
}

/** `berth release SERVICE|PORT`: a number is a port (in any project); a name is a service of this project. */
export function releaseCommand(target: string | undefined, options: { json?: boolean } & ProjectFlag, io: Io): Promise<number> {
  if (target === undefined || target === '') throw usageError('release needs a service name or a port, e.g. "berth release web"')
  const isNumber = /^[0-9]+$/.test(target)
  const port = isNumber ? parsePortText(target) : null
  if (isNumber && port === null) throw usageError(`release: ${JSON.stringify(target)} is not a port from 1 to 65535`)
  return withRegistry(io, async (registry) => {
    const project = await findProjectRoot(io.cwd, projectEnv(options, io.env))
    const gone = registry.forget(port !== null ? { port } : { project, service: target })
    if (options.json) io.stdout(`${JSON.stringify(gone.map(toJson))}\n`)
    const others = port !== null && gone.length === 0 ? registry.list().find((l) => l.port === port && !mayRemove(l.uid)) : undefined
    if (others) {
      io.stderr(
        `Port ${port} is leased to ${others.service} of user ${userName(others.uid)} in the shared registry: only that user (or root) can release it\n`,
      )
      return EXIT.unavailable
    }
    if (gone.length === 0) {
      io.stderr(
        port !== null ? `No lease holds port ${port}\n` : `${escapeText(`No lease for service ${JSON.stringify(target)} in ${project}`)}\n`,
      )
      return EXIT.unavailable
    }
    for (const l of gone) io.stderr(`${escapeText(`Released ${l.service} (port ${l.port}) in ${l.project}`)}\n`)
    return EXIT.ok
  })
}

/** `berth gc`: forgets leases whose owners are gone and whose ports bind. Probing happens outside the lock. */
export function gcCommand(options: { json?: boolean }, io: Io): Promise<number> {
  return withRegistry(io, async (registry) => {
    const free = new Set<number>()
    for (const lease of registry.list()) {
      if (lease.state !== 'dormant') continue
      if ((await checkPort(lease.port, probeHosts(lease.host ?? undefined))).free) free.add(lease.port)
    }
    // Re-checked under the lock: a lease renewed meanwhile is active again and stays.
    const gone = registry.remove((l) => l.state === 'dormant' && free.has(l.port), 'gc')
    if (options.json) io.stdout(`${JSON.stringify(gone.map(toJson))}\n`)
    io.stderr(
      `${escapeText(`Forgot ${gone.length} lease${gone.length === 1 ? '' : 's'}${gone.map((l) => ` ${l.service}:${l.port}`).join(',')}`)}\n`,
    )
    const theirs = registry.list().filter((l) => l.state === 'dormant' && !mayRemove(l.uid)).length
    if (theirs > 0)
      io.stderr(`Left ${theirs} dormant lease${theirs === 1 ? '' : 's'} of other users alone: each user (or root) forgets their own\n`)
    return EXIT.ok
  })
}
