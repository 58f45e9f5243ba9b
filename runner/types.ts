/** The runner's shapes: one service's settings, where its ports come from, what it ended with. */
import type { OutputSink } from './child.ts'
import type { Holder, MovedFrom } from './deps.ts'
import type { Hold } from './hold.ts'
import type { ProbeSpec } from './probes.ts'
import type { RestartPolicy, ServiceTiming } from './settings.ts'

export interface RunnerLine {
  level: 'info' | 'warn' | 'error'
  service: string
  message: string
}
export type RunnerLog = (line: RunnerLine) => void

/** A port for the service, held until the spawn, with what the environment needs. */
export interface Placement {
  port: number
  hold?: Hold
  siblings: Record<string, number>
  exports: Record<string, string>
}

/** Where the service's ports come from: the lease, and the next port after a conflict. */
export interface PortSource {
  /** The service's port, held. */
  place(): Promise<Placement>
  /** The port again (a restart): held again, or the next port when it was taken meanwhile. */
  again(port: number): Promise<Placement>
  /** The next port after a conflict; `taken` are the ports that had one. */
  next(taken: readonly number[]): Promise<Placement>
  /** The child started: it owns the lease while it runs; `movedFrom`: the port conflict that moved it here. */
  owned(port: number, pid: number, movedFrom?: MovedFrom): Promise<void>
  /** Counts a runner event in the registry's metrics (`berth metrics`), by service. */
  count(event: 'conflict_restarts' | 'health_check_failures', by?: number): Promise<void>
}

export interface ServiceSpec extends Partial<ServiceTiming> {
  service: string
  argv: readonly string[]
  cwd?: string
  host?: string
  /** Inherited environment. @default process.env */
  env?: Record<string, string | undefined>
  /** The service's own extra variables. */
  extra?: Record<string, string>
  envVar?: string
  passFd?: boolean
  /** Wait until ready (default); false: the spawn is enough. */
  ready?: boolean
  readinessProbe?: ProbeSpec
  livenessProbe?: ProbeSpec
  restart?: RestartPolicy
  output?: OutputSink
  /** The runner's own lines (ready, restarted, gave up), in the spec's style. */
  onLog?: RunnerLog
  /** Aborting stops the service (reason: the signal to send, SIGTERM by default). */
  signal?: AbortSignal
  /** Called once the service is ready (or started, without readiness). */
  onReady?: (port: number) => void
}

export interface ServiceOutcome {
  /** The exit code berth should exit with: the child's, or 128 + signal. */
  code: number
  port: number
  ready: boolean
  /** Each port conflict that moved the service: the port, who held it, where it went. */
  moves: Array<{ from: number; to: number; holder: Holder | null }>
  /** Why the service ended without being asked to, when it failed. */
  failure?: string
}
