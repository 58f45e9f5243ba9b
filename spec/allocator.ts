/**
 * `createAllocator`, as the package exports it: the core's allocator over the real sockets, with
 * the environment preference built in so that `envVar` works without naming the plugin.
 */
import { createAllocatorWith, type Allocator } from '../core/allocator.ts'
import type { ProbeEngine } from '../core/engine.ts'
import type { AllocatorOptions } from '../core/types.ts'
import { envPreference } from '../plugins/env.ts'
import { socketProbing } from '../probe/probing.ts'

export type { AllocateInput, Allocator } from '../core/allocator.ts'

/** An allocator; `engine` replaces the probing engine it would make (the caller then owns it). */
export function createAllocator(options: AllocatorOptions = {}, engine?: ProbeEngine): Allocator {
  const plugins = options.plugins ?? []
  const hasEnv = plugins.some((p) => p && p.name === 'envPreference')
  return createAllocatorWith(socketProbing, hasEnv ? options : { ...options, plugins: [envPreference(), ...plugins] }, engine)
}
