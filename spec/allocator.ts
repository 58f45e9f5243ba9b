/**
 * `createAllocator`, as the package exports it: the core's allocator over the real sockets, with
 * the environment preference as a default plugin (a plugin of the same name replaces it) and
 * `envVar`, the spec's way to name the variable, given to it as its option.
 */
import { createAllocatorWith, type Allocator as CoreAllocator } from '../core/allocator.ts'
import type { ProbeEngine } from '../core/engine.ts'
import { PortError } from '../core/errors.ts'
import type { AllocatorOptions, RequestInput } from '../core/types.ts'
import { envPreference } from '../plugins/env.ts'
import { socketProbing } from '../probe/probing.ts'

/** What `allocate` takes: a request, and `envVar` (the spec's `getPortFromEnvOrAllocate`). */
export interface AllocateInput extends RequestInput {
  /**
   * An environment variable (such as `PORT`) whose value is tried first when it is a valid port:
   * short for `options: { envPreference: { variable } }`. An invalid value is ignored with a
   * warning naming the variable and the value.
   */
  envVar?: string
}

export interface Allocator extends Omit<CoreAllocator, 'allocate' | 'remembered' | 'order'> {
  allocate(input: AllocateInput): ReturnType<CoreAllocator['allocate']>
  remembered(input: AllocateInput): ReturnType<CoreAllocator['remembered']>
  order<T extends AllocateInput>(inputs: readonly T[]): Promise<T[]>
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value))

/** `envVar` as the environment preference's option; any other input unchanged. */
function withEnvVar<T extends AllocateInput>(input: T): RequestInput {
  if (input === null || typeof input !== 'object' || input.envVar === undefined) return input
  const { envVar, ...rest } = input
  if (typeof envVar !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(envVar)) {
    throw new PortError('E_INVALID_OPTIONS', `envVar must be an environment variable name such as PORT, got ${show(envVar)}`)
  }
  return { ...rest, options: { ...rest.options, envPreference: { variable: envVar } } }
}

/** An allocator; `engine` replaces the probing engine it would make (the caller then owns it). */
export function createAllocator(options: AllocatorOptions = {}, engine?: ProbeEngine): Allocator {
  const core = createAllocatorWith(socketProbing, options, engine, [envPreference()])
  return {
    ...core,
    allocate: (input) => core.allocate(withEnvVar(input)),
    remembered: (input) => core.remembered(withEnvVar(input)),
    async order(inputs) {
      const requests = inputs.map(withEnvVar)
      return (await core.order(requests)).map((request) => inputs[requests.indexOf(request)]!)
    },
  }
}
