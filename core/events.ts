import type { AllocationEvent, AllocatorOptions } from './types.ts'

export type Emit = (event: AllocationEvent) => void

/** Sends events to `onEvent` and the spec's lines to `logger`; with neither, nothing is printed. */
export function createEmitter(options: Pick<AllocatorOptions, 'logger' | 'onEvent'>): Emit {
  const { logger, onEvent } = options
  return (event) => {
    onEvent?.(event)
    logger?.[event.level](event.message)
  }
}
