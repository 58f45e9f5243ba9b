import { addressNotHere } from '../../core/address.ts'
import { checkPort, probeHosts } from '../../probe/check.ts'
import type { ProbeResult } from '../../core/types.ts'
import { portArg, textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'

export interface CheckOptions {
  host?: unknown
  json?: boolean
}

function describe(r: ProbeResult): string {
  if (r.free) return 'free'
  // The address asked for is not on this machine: not "busy", and never "free".
  if (r.reason === 'unavailable' && r.host) return `unavailable (${addressNotHere(r.host, r.code)})`
  return `busy (${r.reason}${r.host ? ` on ${r.host}` : ''}${r.code ? `, ${r.code}` : ''})`
}

/** `berth check PORT...`: a line per port; exit 0 when all are free, 1 when any is busy. */
export async function checkCommand(ports: string[], options: CheckOptions, io: Io): Promise<number> {
  if (ports.length === 0) throw usageError('check needs at least one port, e.g. "berth check 3000"')
  // Every argument is validated before any socket is opened.
  const numbers = ports.map((text) => portArg('port', text))
  const hosts = probeHosts(textArg('--host', options.host))
  const results: ProbeResult[] = []
  for (const port of numbers) results.push(await checkPort(port, hosts))
  if (options.json) {
    // Busy ports carry their holder where this user can see it (pid, command, container).
    const busy = results.filter((r) => !r.free).map((r) => r.port)
    const { holderSummary, portReports } = await import('../holders.ts')
    const reports = busy.length > 0 ? await portReports(busy, io, { leases: false }) : []
    const holders = new Map(reports.map((report) => [report.port, holderSummary(report)]))
    io.stdout(`${JSON.stringify(results.map((r) => (r.free ? r : { ...r, holder: holders.get(r.port) ?? null })))}\n`)
  } else {
    const { green, red } = io.out
    for (const r of results) io.stdout(`${r.port} ${r.free ? green(describe(r)) : red(describe(r))}\n`)
  }
  return results.every((r) => r.free) ? EXIT.ok : EXIT.unavailable
}
