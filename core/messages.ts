/** The spec's log lines, summary report and error text, word for word. */
import type { AllocationOutcome, AllocationResult } from './types.ts'

export const startLine = (service: string, basePort: number, maxPort: number) =>
  `🔍 [${service}] Starting port allocation from ${basePort} (max: ${maxPort})`

export const preferredLine = (r: AllocationResult) =>
  `✅ [${r.serviceName}] Allocated preferred port ${r.port} after ${r.attempts} attempt(s)`

export const fallbackLine = (r: AllocationResult) =>
  `⚠️  [${r.serviceName}] Allocated fallback port ${r.port} (preferred: ${r.preferredPort}) after ${r.attempts} attempt(s)`

/** A port the service had before, which is not its preferred one: said as such, never as "preferred". */
export const rememberedLine = (r: AllocationResult) =>
  `✅ [${r.serviceName}] Allocated remembered port ${r.port} (preferred: ${r.preferredPort}) after ${r.attempts} attempt(s)`

/** The result line for any outcome. */
export const outcomeLine = (r: AllocationResult) =>
  r.outcome === 'preferred' ? preferredLine(r) : r.outcome === 'remembered' ? rememberedLine(r) : fallbackLine(r)

export const exhaustedMessage = (service: string, basePort: number, maxPort: number, attempts: number) =>
  `🚨 [${service}] No available ports found in range ${basePort}-${maxPort} after ${attempts} attempts.\n` +
  'Consider expanding the port range or checking for port conflicts.'

export const invalidEnvLine = (service: string, variable: string, value: string, basePort: number) =>
  `⚠️  [${service}] Ignoring invalid ${variable}=${JSON.stringify(value)} (expected a whole number from 1 to 65535); ` +
  `falling back to dynamic allocation from ${basePort}`

const RULE = '='.repeat(50)

const LABELS: Record<AllocationOutcome, string> = { preferred: '✅ PREFERRED', remembered: '📌 REMEMBERED', fallback: '⚠️  FALLBACK' }

/** Results made before `outcome` existed (or by hand) still read right. */
const outcomeOf = (r: AllocationResult): AllocationOutcome => r.outcome ?? (r.usedPreferred ? 'preferred' : 'fallback')

/**
 * The spec's summary report. Rows pad the name to 20 columns and the port to 5,
 * as the spec's web-server and api-server rows do. "Success rate" is the share of
 * services that got their preferred port (2 of 3 is the spec's 66.7%). A remembered port is
 * neither preferred nor a fallback: it has its own label and, when there is one, its own line.
 */
export function formatSummary(results: readonly AllocationResult[]): string {
  const count = (outcome: AllocationOutcome) => results.filter((r) => outcomeOf(r) === outcome).length
  const preferred = count('preferred')
  const remembered = count('remembered')
  const attempts = results.reduce((sum, r) => sum + r.attempts, 0)
  const rate = results.length === 0 ? 0 : (preferred / results.length) * 100
  const rows = results.map(
    (r) => `${r.serviceName.padEnd(20)} | Port: ${String(r.port).padEnd(5)} | ${LABELS[outcomeOf(r)]} | Attempts: ${r.attempts}`,
  )
  return [
    '📊 PORT ALLOCATION SUMMARY:',
    RULE,
    ...rows,
    RULE,
    '📈 Statistics:',
    `   • Total services: ${results.length}`,
    `   • Preferred ports: ${preferred}  `,
    ...(remembered > 0 ? [`   • Remembered ports: ${remembered}`] : []),
    `   • Fallback ports: ${count('fallback')}`,
    `   • Total attempts: ${attempts}`,
    `   • Success rate: ${rate.toFixed(1)}%`,
  ].join('\n')
}

/** Why a port could not be used, in words (the moved-port and group warnings). */
const REASON_TEXT: Record<string, string> = {
  'in-use': 'in use by another process',
  permission: 'not bindable by this user',
  timeout: 'not answering (the check timed out)',
  leased: 'leased to another running service',
  claimed: 'already handed out in this process',
  raced: 'leased by another process a moment ago (it won the race)',
  excluded: 'excluded',
}

export const reasonText = (reason: string) => REASON_TEXT[reason] ?? reason

/** A service's remembered port could not be given back (persistence): say why, never hand out the stale number. */
export const movedLine = (service: string, before: number, why: string, now: number) =>
  `⚠️  [${service}] Port ${before}, remembered for ${service}, is ${why}: moved to ${now}`

/** Strict mode's failure: the port, why it could not be used, and who holds it when /proc shows it. */
export const strictMessage = (service: string, port: number, reason: string, holder: { pid: number; command: string } | null) =>
  `🚨 [${service}] Port ${port} is ${reason} and ${service} is strict, so it will not move` +
  (holder ? `: held by pid ${holder.pid} (${holder.command})` : ': the holder is not visible to this user')
