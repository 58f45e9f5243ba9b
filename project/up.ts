/**
 * `upProject`: allocates every service of one environment of the project file, all or nothing:
 * groups first (each at one shared offset), then the rest in priority order. A failure, or an
 * abort (`signal`: the CLI's SIGINT/SIGTERM), gives every claim back and puts the leases the
 * services had before back in place: a failed `up` changes no lease. Prints nothing.
 */
import { createAllocator, type Allocator } from '../spec/allocator.ts'
import { PortError } from '../core/errors.ts'
import { createEmitter } from '../core/events.ts'
import { formatSummary } from '../core/messages.ts'
import type { AllocationEvent, AllocationResult, AllocatorOptions } from '../core/types.ts'
import { exclusions, type ExclusionOptions } from '../plugins/exclusions.ts'
import { pool } from '../plugins/pool.ts'
import { priority } from '../plugins/priority.ts'
import { buildExports } from './exports.ts'
import { placeGroup, toInput } from './group.ts'
import type { LoadedProject } from './load.ts'
import { planEnvironment, type Plan } from './plan.ts'
import { checkServiceOptions } from './service-options.ts'

export interface UpProjectOptions extends AllocatorOptions {
  environment: string
  /** Overrides the file's `exclude` switches (the CLI's --allow-* flags). */
  exclude?: ExclusionOptions
  /** Aborting it stops the allocation, rolls every claim back and rejects with `E_ABORTED`. */
  signal?: AbortSignal
}

export interface ProjectAllocation {
  environment: string
  /** In the order of the file (instances as `name#1`, `name#2`…). */
  allocations: AllocationResult[]
  /** Variable → value: each service's `env` and the file's `exports`. */
  exports: Record<string, string>
}

const aborted = (signal: AbortSignal) =>
  new PortError('E_ABORTED', `Interrupted (${String(signal.reason ?? 'aborted')}): every claim was rolled back, no lease was changed`)

/** `work`, unless the signal fires first: then the abort error at once, whatever `work` is waiting for. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  if (signal.aborted) return Promise.reject(aborted(signal))
  let stop = () => {}
  const interrupted = new Promise<never>((_, reject) => {
    stop = () => reject(aborted(signal))
    signal.addEventListener('abort', stop, { once: true })
  })
  return Promise.race([work, interrupted]).finally(() => signal.removeEventListener('abort', stop))
}

async function allocatePlan(
  allocator: Allocator,
  plan: Plan,
  quiet: { on: boolean },
  emit: (e: AllocationEvent) => void,
  signal?: AbortSignal,
) {
  const results = new Map<string, AllocationResult>()
  try {
    for (const group of plan.groups) {
      for (const r of await untilAborted(placeGroup(allocator, group, quiet, emit), signal)) results.set(r.serviceName, r)
    }
    const inputs = plan.requests.map(toInput)
    for (const input of await untilAborted(allocator.order(inputs), signal)) {
      results.set(input.serviceName, await untilAborted(allocator.allocate(input), signal))
    }
    if (signal?.aborted) throw aborted(signal)
    // Exports are built before success is declared: a bad template gives every claim back too.
    return { results, exports: buildExports(plan, results) }
  } catch (error) {
    // Every claim this allocator made, also one whose allocation was still running.
    await allocator.rollback()
    throw error
  }
}

export async function upProject(project: LoadedProject, options: UpProjectOptions): Promise<ProjectAllocation> {
  const plan = planEnvironment(project.config, options.environment, project.file)
  const emit = createEmitter(options)
  const quiet = { on: false }
  const allocator = createAllocator({
    ...options,
    logger: undefined,
    onEvent: (event) => quiet.on || emit(event),
    plugins: [
      exclusions({ ...project.config.exclude, ...options.exclude }),
      pool({ pools: plan.pools }),
      priority(),
      ...project.plugins,
      ...(options.plugins ?? []),
    ],
  })
  try {
    checkServiceOptions(plan, allocator.plugins, project.file)
    const { results, exports } = await allocatePlan(allocator, plan, quiet, emit, options.signal)
    const allocations = Object.values(plan.instances)
      .flat()
      .map((name) => results.get(name)!)
    emit({ type: 'summary', level: 'info', serviceName: '*', message: formatSummary(allocations) })
    return { environment: plan.environment, allocations, exports }
  } finally {
    await allocator.dispose()
  }
}
