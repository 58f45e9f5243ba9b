import * as v from 'valibot'
import { optionsOf } from '../core/plugin-options.ts'
import type { AllocationRequest, PortPlugin } from '../core/types.ts'

const whole = 'expected a whole number'

/** Per request, `options: { priority: { value: 10 } }`; a request without it has priority 0. */
export const PriorityRequestOptions = v.strictObject({ value: v.pipe(v.number(whole), v.integer(whole)) })

const priorityOf = (req: AllocationRequest) => optionsOf(req, 'priority', PriorityRequestOptions)?.value ?? 0

/**
 * priority(): when services are allocated together, higher `priority` goes first and equal
 * priorities keep their order (a stable sort), so a high-priority service gets its preferred
 * port even when a lower-priority one listed earlier wanted the same port.
 */
export function priority(): PortPlugin {
  return {
    name: 'priority',
    options: PriorityRequestOptions,
    order: (requests) => [...requests].sort((a, b) => priorityOf(b) - priorityOf(a)),
  }
}
