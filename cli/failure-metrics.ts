/**
 * Failed allocations, counted in the registry by the CLI: the library's walk ends in an error,
 * which no plugin hook sees. The `exhausted` event names the service; the error has the checks.
 * The registry's modules load only when there is a failure to count: a cold `berth get` that
 * succeeds never evaluates them.
 */
import { isPortError } from '../core/errors.ts'
import type { AllocationEvent } from '../core/types.ts'
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
      const [{ failureCounts }, { withRegistry }] = await Promise.all([
        import('../registry/allocation-metrics.ts'),
        import('./commands/leases.ts'),
      ])
      await withRegistry(io, (registry) => registry.count(failureCounts(service, error, strict))).catch(() => {})
    },
  }
}
