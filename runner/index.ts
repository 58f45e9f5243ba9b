/** The runner: services started on their leased ports, ready when they really listen there, restarted on a port conflict. */
export { exec, type ExecOptions, type ExecResult } from './exec.ts'
export { run, commandArgv, type RunOptions, type RunResult } from './run.ts'
export { portVariable, serviceEnv } from './env.ts'
export { frameworkOf, withFrameworkFlags } from './frameworks.ts'
export { ADDRESS_IN_USE } from './conflict.ts'
export { PROBE_DEFAULTS, type ProbeSpec } from './probes.ts'
export { DEFAULTS as RUNNER_DEFAULTS, type RestartPolicy, type ServiceTiming } from './settings.ts'
export type { ServiceOutcome } from './service.ts'
