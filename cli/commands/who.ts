/** `berth who PORT...`: every socket on each exact port, its process, berth's lease and the container. */
import { portArg, usageError } from '../args.ts'
import { escapeText } from '../escape.ts'
import { EXIT } from '../exit-codes.ts'
import { hiddenLine, portReports, type PortReport } from '../holders.ts'
import type { Io } from '../io.ts'

export interface WhoCliOptions {
  json?: boolean
  all?: boolean
  udp?: boolean
}

const protocolOf = (s: { protocol: string; family: string }) => `${s.protocol}${s.family === 'ipv6' ? '6' : ''}`
const hostPort = (s: { address: string; port: number }) => (s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`)

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  )
}

function render(report: PortReport, io: Io): string {
  const { bold, green, dim } = io.out
  const lease = report.lease ? `${report.lease.service} in ${report.lease.project} (${report.lease.state})` : null
  const container = report.container
    ? `${report.container.name}${report.container.project ? ` (compose ${report.container.project}/${report.container.service})` : ''}`
    : null
  const lines: string[] = []
  if (!report.held && report.sockets.length === 0) {
    lines.push(`${bold(String(report.port))} ${green('free')}: nothing listens on it${lease ? `; leased to ${escapeText(lease)}` : ''}`)
    return `${lines.join('\n')}\n`
  }
  lines.push(`${bold(String(report.port))}${report.held ? '' : ` ${green('free')} (no listener)`}`)
  const rows = [['PROTO', 'ADDRESS', 'STATE', 'USER', 'PID', 'COMMAND']]
  const hidden: string[] = []
  for (const s of report.sockets) {
    const user = `${s.user}${s.user === String(s.uid) ? '' : ` (${s.uid})`}`
    const pids = s.processes.map((p) => p.pid).join(',') || '-'
    const command = s.processes[0]?.command ?? (s.hidden ? '(hidden)' : '-')
    rows.push([protocolOf(s), hostPort(s), s.state, user, pids, command].map(escapeText))
    if (s.hidden && !hidden.includes(hiddenLine(s))) hidden.push(hiddenLine(s))
  }
  if (report.sockets.length > 0) lines.push(...table(rows).map((line) => `  ${line}`))
  for (const line of hidden) lines.push(`  ${line}`)
  if (container) lines.push(`  container: ${escapeText(container)}`)
  if (lease) lines.push(`  berth lease: ${escapeText(lease)}`)
  const cwd = report.sockets.flatMap((s) => s.processes).find((p) => p.cwd)?.cwd
  if (cwd) lines.push(dim(`  cwd: ${escapeText(cwd)}`))
  return `${lines.join('\n')}\n`
}

/** Exit 0 when every port is held, 1 when any is free, 2 on bad input. */
export async function whoCommand(ports: string[], options: WhoCliOptions, io: Io): Promise<number> {
  if (ports.length === 0) throw usageError('who needs at least one port, e.g. "berth who 3000"')
  const numbers = ports.map((text) => portArg('port', text))
  const reports = await portReports(numbers, io, { all: options.all, udp: options.udp })
  io.stdout(options.json ? `${JSON.stringify(reports)}\n` : reports.map((r) => render(r, io)).join(''))
  return reports.every((r) => r.held) ? EXIT.ok : EXIT.unavailable
}
