/** `berth kill PORT...`: stops what listens on each exact port, SIGTERM first; never a client, never a container's proxy. */
import { executeKill, planKill, type KillPlan } from '../../runner/kill-port.ts'
import { portArg, usageError } from '../args.ts'
import { escapeText } from '../escape.ts'
import { EXIT } from '../exit-codes.ts'
import { hiddenLine, portReports, type PortReport } from '../holders.ts'
import type { Io } from '../io.ts'
import { durationArg } from '../persistence.ts'
import { userName } from '../user-names.ts'

export interface KillCliOptions {
  signal?: unknown
  timeout?: unknown
  dryRun?: boolean
  force?: boolean
  yes?: boolean
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2'] as const
const NUMBERS: Record<string, string> = {
  15: 'SIGTERM',
  2: 'SIGINT',
  1: 'SIGHUP',
  3: 'SIGQUIT',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  12: 'SIGUSR2',
}

/** `TERM`, `SIGTERM`, `term` or `15` → `SIGTERM`; anything else is a usage error naming the value. */
export function signalArg(value: unknown): string {
  if (value === undefined) return 'SIGTERM'
  const text = String(value).trim().toUpperCase()
  const name = NUMBERS[text] ?? (text.startsWith('SIG') ? text : `SIG${text}`)
  if (!(SIGNALS as readonly string[]).includes(name))
    throw usageError(`--signal ${JSON.stringify(String(value))} is not one of ${SIGNALS.join(', ')} (or their numbers)`)
  return name
}

const who = (target: { pid: number; command: string }) => escapeText(`pid ${target.pid} (${target.command})`)
const what = (signalled: number) => (signalled < 0 ? `process group ${-signalled}` : `pid ${signalled}`)

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

/** What is said before anything is signalled; false when there is nothing berth may stop. */
function explain(report: PortReport, plan: KillPlan, io: Io): boolean {
  const { port } = report
  if (report.container) {
    const c = report.container
    const tool = c.runtime === 'podman' ? 'podman' : 'docker'
    const compose =
      c.project && c.service ? ` (compose ${c.project}/${c.service}: or "${tool} compose -p ${c.project} stop ${c.service}")` : ''
    io.stdout(
      `${escapeText(`Port ${port} is published by container ${c.name}${compose}: stop it with "${tool} stop ${c.name}"; berth does not stop a container's proxy`)}\n`,
    )
  }
  for (const uid of plan.hiddenUids) io.stdout(`Port ${port}: ${hiddenLine({ uid, user: userName(uid) })}\n`)
  for (const r of plan.refused) io.stdout(`Not stopping ${who(r)} on port ${port}: ${escapeText(r.why)}\n`)
  return plan.targets.length > 0
}

export async function killCommand(ports: string[], options: KillCliOptions, io: Io): Promise<number> {
  if (ports.length === 0) throw usageError('kill needs at least one port, e.g. "berth kill 3000"')
  const numbers = ports.map((text) => portArg('port', text))
  const signal = signalArg(options.signal)
  const timeout = options.timeout === undefined ? 5000 : durationArg('--timeout', options.timeout)
  let code: number = EXIT.ok
  for (const report of await portReports(numbers, io, { leases: false })) {
    const listeners = report.sockets.filter((s) => s.state === 'LISTEN')
    if (listeners.length === 0 && !report.container) {
      io.stdout(`Nothing listens on port ${report.port}: nothing to stop\n`)
      code = EXIT.unavailable
      continue
    }
    // A container's port is its runtime's to stop: whatever listens for it (docker-proxy, dockerd
    // itself without the userland proxy, rootlessport, pasta) is left alone.
    const own = report.container ? [] : listeners
    const plan = await planKill(own, { force: options.force })
    if (!explain(report, plan, io)) {
      code = EXIT.unavailable
      continue
    }
    const list = plan.targets.map((t) => `${what(t.signalled)} (${who(t)})`).join(', ')
    if (options.dryRun) {
      io.stdout(
        `Would send ${signal} to ${list} on port ${report.port}${signal === 'SIGKILL' ? '' : `, then SIGKILL after ${timeout / 1000}s if it still listens`}\n`,
      )
      continue
    }
    if (!options.yes && process.stdin.isTTY && !(await confirm(`Send ${signal} to ${list} listening on port ${report.port}?`))) {
      io.stdout(`Left port ${report.port} alone\n`)
      code = EXIT.unavailable
      continue
    }
    const outcome = await executeKill(report.port, plan, { signal, timeout })
    for (const { target, signal: sent } of outcome.sent) io.stdout(`Sent ${sent} to ${what(target)}\n`)
    io.stdout(outcome.free ? `Port ${report.port} is free now\n` : `Port ${report.port} is still held\n`)
    if (!outcome.free) code = EXIT.unavailable
  }
  return code
}
