/** A service's runner settings as the project file gives them, in the runner's terms. */
import type { ServiceConfig } from './deps.ts'
import type { ServiceSpec } from './types.ts'

const NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }

export const signalNumber = (name: string): number | undefined => NUMBERS[name]

/** `15` or `"SIGTERM"` → `SIGTERM`. */
export const signalName = (signal: number | string): NodeJS.Signals =>
  (typeof signal === 'number' ? (Object.keys(NUMBERS).find((k) => NUMBERS[k] === signal) ?? 'SIGTERM') : signal) as NodeJS.Signals

/** Only the keys the file sets, so that spreading them never overrides a caller's value with undefined. */
export function serviceSettings(service: ServiceConfig): Partial<ServiceSpec> {
  const settings: Partial<ServiceSpec> = {}
  if (service.environment) settings.extra = service.environment
  if (service.env) settings.envVar = service.env
  if (service.readiness_probe) settings.readinessProbe = service.readiness_probe
  if (service.liveness_probe) settings.livenessProbe = service.liveness_probe
  if (service.restart) settings.restart = typeof service.restart === 'string' ? { policy: service.restart } : service.restart
  if (service.shutdown?.timeout_seconds !== undefined) settings.stopTimeoutMs = service.shutdown.timeout_seconds * 1000
  return settings
}
