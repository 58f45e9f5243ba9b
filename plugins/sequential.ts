import { portRange } from '../core/candidates.ts'
import { PortError } from '../core/errors.ts'
import type { PortPlugin } from '../core/types.ts'
import { assertPort } from '../core/validate.ts'

export interface SequentialOptions {
  /** The first port to scan. @default the request's `basePort` */
  from?: number
  /** The last port to scan. @default the request's `maxPort` */
  to?: number
}

/** Scans a range in ascending order: the spec's "begin from base port and increment". */
export function sequential(options: SequentialOptions = {}): PortPlugin {
  const from = options.from === undefined ? undefined : assertPort(options.from, 'sequential from')
  const to = options.to === undefined ? undefined : assertPort(options.to, 'sequential to')
  if (from !== undefined && to !== undefined && to < from) {
    throw new PortError('E_INVALID_OPTIONS', `sequential: the range ${from}-${to} is reversed (${to} is below ${from})`)
  }
  return {
    name: 'sequential',
    candidates(req) {
      return portRange(from ?? req.basePort, to ?? req.maxPort)
    },
  }
}
