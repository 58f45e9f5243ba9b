import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { scanPorts, type ScanReport } from '../../probe/scan.ts'
import { rangeArg, textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'
import { normalJit } from '../jit.ts'
import { progressBar } from '../progress.ts'

export interface ScanCliOptions {
  host?: unknown
  json?: boolean
}

/**
 * The compiled binary embeds the workers' task at `entry/probe-task.js` beside the entry (see
 * build:bin), and the npm package's Node bundle has it at the same place (scripts/build-node-cli.ts);
 * run from source, there is no such file and the library finds its own task file.
 */
function embeddedTaskUrl(): URL | undefined {
  const url = new URL('./entry/probe-task.js', import.meta.url)
  if (import.meta.url.includes('$bunfs')) return url
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined
}

const REASONS: Record<string, string> = {
  'in-use': 'in use',
  permission: 'permission denied',
  timeout: 'timeout',
  unavailable: 'no such address',
}

function render(report: ScanReport, io: Io): string {
  const { green, red, bold } = io.out
  const where = report.host ?? 'every loopback and wildcard address'
  const lines = [
    `${bold(`${report.from}-${report.to}`)} on ${where}: ${green(`${report.free} free`)}, ${red(`${report.busy.length} busy`)}`,
  ]
  if (report.busy.length > 0) lines.push('', 'Busy:')
  for (const b of report.busy) lines.push(`  ${String(b.port).padEnd(6)}${REASONS[b.reason] ?? b.reason}${b.host ? ` (on ${b.host})` : ''}`)
  if (report.runs.length > 0) lines.push('', 'Largest free runs:')
  for (const run of report.runs) lines.push(`  ${`${run.from}-${run.to}`.padEnd(12)}${run.length} port${run.length === 1 ? '' : 's'}`)
  return `${lines.join('\n')}\n`
}

/** `berth scan RANGE`: free and busy ports with reasons, and the longest free runs. Exit 0 even when ports are busy. */
export async function scanCommand(range: string | undefined, options: ScanCliOptions, io: Io): Promise<number> {
  if (range === undefined) throw usageError('scan needs a range, e.g. "berth scan 1024-65535"')
  const { from, to } = rangeArg('The range', range)
  const host = textArg('--host', options.host)
  normalJit()
  const bar = options.json ? null : progressBar(io, `scanning ${from}-${to}`)
  let report: ScanReport
  try {
    report = await scanPorts(from, to, { host, taskUrl: embeddedTaskUrl(), onProgress: bar?.update })
  } finally {
    bar?.end()
  }
  if (options.json) {
    // Busy ports carry their holder where this user can see it (pid, command, container).
    const { holderSummary, portReports } = await import('../holders.ts')
    const holders = new Map(
      (
        await portReports(
          report.busy.map((b) => b.port),
          io,
          { leases: false },
        )
      ).map((r) => [r.port, holderSummary(r)]),
    )
    io.stdout(`${JSON.stringify({ ...report, busy: report.busy.map((b) => ({ ...b, holder: holders.get(b.port) ?? null })) })}\n`)
  } else {
    io.stdout(render(report, io))
  }
  return EXIT.ok
}
