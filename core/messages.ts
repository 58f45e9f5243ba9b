/** The spec's log lines, summary report and error text, word for word. */
import type { AllocationResult } from './types.ts'

export const startLine = (service: string, basePort: number, maxPort: number) =>
  `🔍 [${service}] Starting port allocation from ${basePort} (max: ${maxPort})`

export const preferredLine = (r: AllocationResult) =>
  `✅ [${r.serviceName}] Allocated preferred port ${r.port} after ${r.attempts} attempt(s)`

export const fallbackLine = (r: AllocationResult) =>
  `⚠️  [${r.serviceName}] Allocated fallback port ${r.port} (preferred: ${r.preferredPort}) after ${r.attempts} attempt(s)`

export const exhaustedMessage = (service: string, basePort: number, maxPort: number, attempts: number) =>
  `🚨 [${service}] No available ports found in range ${basePort}-${maxPort} after ${attempts} attempts.\n` +
  'Consider expanding the port range or checking for port conflicts.'

export const invalidEnvLine = (service: string, variable: string, value: string, basePort: number) =>
  `⚠️  [${service}] Ignoring invalid ${variable}=${JSON.stringify(value)} (expected a whole number from 1 to 65535); ` +
  `falling back to dynamic allocation from ${basePort}`

const RULE = '='.repeat(50)

/**
 * The spec's summary report. Rows pad the name to 20 columns and the port to 5,
 * as the spec's web-server and api-server rows do. "Success rate" is the share of
 * services that got their preferred port (2 of 3 is the spec's 66.7%).
 */
export function formatSummary(results: readonly AllocationResult[]): string {
  const preferred = results.filter((r) => r.usedPreferred).length
  const attempts = results.reduce((sum, r) => sum + r.attempts, 0)
  const rate = results.length === 0 ? 0 : (preferred / results.length) * 100
  const rows = results.map((r) => {
    const outcome = r.usedPreferred ? '✅ PREFERRED' : '⚠️  FALLBACK'
    return `${r.serviceName.padEnd(20)} | Port: ${String(r.port).padEnd(5)} | ${outcome} | Attempts: ${r.attempts}`
  })
  return [
    '📊 PORT ALLOCATION SUMMARY:',
    RULE,
    ...rows,
    RULE,
    '📈 Statistics:',
    `   • Total services: ${results.length}`,
    `   • Preferred ports: ${preferred}  `,
    `   • Fallback ports: ${results.length - preferred}`,
    `   • Total attempts: ${attempts}`,
    `   • Success rate: ${rate.toFixed(1)}%`,
  ].join('\n')
}

/** A service's remembered port could not be given back (persistence): say why, never hand out the stale number. */
export const movedLine = (service: string, before: number, why: string, now: number) =>
  `⚠️  [${service}] Port ${before}, remembered for ${service}, is ${why}: moved to ${now}`

/** Strict mode's failure: the port, why it could not be used, and who holds it when /proc shows it. */
export const strictMessage = (service: string, port: number, reason: string, holder: { pid: number; command: string } | null) =>
  `🚨 [${service}] Port ${port} is ${reason} and ${service} is strict, so it will not move` +
  (holder ? `: held by pid ${holder.pid} (${holder.command})` : ': the holder is not visible to this user')
