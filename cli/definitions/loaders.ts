/**
 * Where each command's code comes from. The other commands load when they run. `get`, the one
 * scripts call cold, is part of the entry: loading it as a chunk of its own made a cold `berth get`
 * slower (README, Benchmark, scenario 4).
 */
import * as get from '../commands/get.ts'

export const commands = {
  check: () => import('../commands/check.ts'),
  exec: () => import('../commands/exec.ts'),
  run: () => import('../commands/run-project.ts'),
  completion: () => import('../commands/completion.ts'),
  get: async () => get,
  leases: () => import('../commands/leases.ts'),
  port: () => import('../commands/port.ts'),
  scan: () => import('../commands/scan.ts'),
  up: () => import('../commands/up.ts'),
  who: () => import('../commands/who.ts'),
  kill: () => import('../commands/kill.ts'),
  metrics: () => import('../commands/metrics.ts'),
}
