import type { PortPlugin } from '../core/types.ts'

/**
 * priority(): when services are allocated together, higher `priority` goes first and equal
 * priorities keep their order (a stable sort), so a high-priority service gets its preferred
 * port even when a lower-priority one listed earlier wanted the same port.
 */
export function priority(): PortPlugin {
  return {
    name: 'priority',
    order: (requests) => [...requests].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0)),
  }
}
