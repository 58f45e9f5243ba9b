/**
 * The containers plugin for `get` and `up`: on unless BERTH_CONTAINERS is `off` (or `0`). Its
 * module loads only where a daemon's socket exists: most machines have none, and a cold
 * `berth get` should not pay for it (README, Benchmark, scenario 4).
 */
import { anyDaemonSocket } from '../plugins/containers/sockets.ts'

export async function containersPlugin(env: Record<string, string | undefined>) {
  if (env.BERTH_CONTAINERS === 'off' || env.BERTH_CONTAINERS === '0') return null
  if (!(await anyDaemonSocket(env))) return null
  const { containers } = await import('../plugins/containers/index.ts')
  return containers()
}
