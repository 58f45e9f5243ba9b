/**
 * Failed allocations, counted in the registry by the CLI: the library's walk ends in an error,
 * which no plugin hook sees. The `exhausted` event names the service; the error has the checks.
 */
import { isPortError } from '../core/errors.ts'
import type { AllocationEvent } from '../core/types.ts'
import { failureCounts } from '../registry/allocation-metrics.ts'
import { withRegistry } from './commands/leases.ts'
import type { Io } from './io.ts'

export function failureRecorder(io: Io, onEvent: (event: AllocationEvent) => void) {
  let failed: string | undefined
  return {
    onEvent(event: AllocationEvent) {
      if (event.type === 'exhausted') failed = event.serviceName
      onEvent(event)
    },
    /** Counts the failure behind `error`, if it was an allocation's; never replaces the error. */
    async record(error: unknown, strict = false): Promise<void> {
      if (failed === undefined || !isPortError(error) || error.code !== 'E_NO_PORT') return
      const service = failed
      await withRegistry(io, (registry) => registry.count(failureCounts(service, error, strict))).catch(() => {})
    },
  }
}

/** Published container ports count as busy unless BERTH_CONTAINERS is `off` (or `0`). */
export async function containersPlugin(env: Record<string, string | undefined>) {
  if (env.BERTH_CONTAINERS === 'off' || env.BERTH_CONTAINERS === '0') return null
  const { containers } = await import('../plugins/containers/index.ts')
  return containers()
}
