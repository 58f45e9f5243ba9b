/**
 * `upProject`: allocates every service of one environment of the project file, all or nothing:
 * groups first (each at one shared offset), then the rest in priority order. Prints nothing.
 */
import { createAllocator, type Allocator } from '../allocator.ts'
import type { ServiceRequest } from '../api.ts'
import { PortError, isPortError } from '../errors.ts'
import { createEmitter } from '../events.ts'
import { formatSummary } from '../messages.ts'
import type { AllocationEvent, AllocationResult, AllocatorOptions } from '../types.ts'
import { exclusions, type ExclusionOptions } from '../../plugins/exclusions.ts'
import { pool } from '../../plugins/pool.ts'
import { priority } from '../../plugins/priority.ts'
import { buildExports } from './exports.ts'
import type { LoadedProject } from './load.ts'
import { planEnvironment, type Plan, type PlannedGroup } from './plan.ts'

export interface UpProjectOptions extends AllocatorOptions {
  environment: string
  /** Overrides the file's `exclude` switches (the CLI's --allow-* flags). */
  exclude?: ExclusionOptions
}

export interface ProjectAllocation {
  environment: string
  /** In the order of the file (instances as `name#1`, `name#2`…). */
  allocations: AllocationResult[]
  /** Variable → value: each service's `env` and the file's `exports`. */
  exports: Record<string, string>
}

const toInput = ({ name, ...rest }: ServiceRequest) => ({ ...rest, serviceName: name })

/** Tries offsets 0..span; at each, every member at `base + offset` or none. Trial misses stay silent. */
async function placeGroup(allocator: Allocator, group: PlannedGroup, quiet: { on: boolean }, emit: (e: AllocationEvent) => void) {
  for (let offset = 0; offset <= group.span; offset++) {
    const placed: AllocationResult[] = []
    quiet.on = true
    try {
      for (const member of group.members) {
        const port = member.basePort + offset
        if (port > 65535) throw new PortError('E_NO_PORT', 'past 65535')
        placed.push(await allocator.allocate({ ...toInput(member), basePort: port, maxPort: port, envVar: undefined }))
      }
      quiet.on = false
      const where = placed.map((r) => `${r.serviceName}:${r.port}`).join(', ')
      emit({ type: 'preferred', level: 'info', serviceName: group.name, message: `✅ [${group.name}] Placed ${where} at offset ${offset}` })
      return placed
    } catch (error) {
      quiet.on = false
      for (const result of placed) await allocator.release(result.port)
      if (!isPortError(error) || error.code !== 'E_NO_PORT') throw error
    }
  }
  const members = group.members.map((m) => `${m.name} ${m.basePort}+k`).join(', ')
  const message = `🚨 [${group.name}] No offset k from 0 to ${group.span} places every member (${members}); nothing was claimed`
  emit({ type: 'exhausted', level: 'error', serviceName: group.name, message })
  throw new PortError('E_NO_PORT', message)
}

async function allocatePlan(allocator: Allocator, plan: Plan, quiet: { on: boolean }, emit: (e: AllocationEvent) => void) {
  const results = new Map<string, AllocationResult>()
  try {
    for (const group of plan.groups) for (const r of await placeGroup(allocator, group, quiet, emit)) results.set(r.serviceName, r)
    for (const request of await allocator.order(plan.requests)) results.set(request.name, await allocator.allocate(toInput(request)))
    return results
  } catch (error) {
    for (const result of results.values()) await allocator.release(result.port)
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
    plugins: [exclusions({ ...project.config.exclude, ...options.exclude }), pool({ pools: plan.pools }), priority(), ...project.plugins, ...(options.plugins ?? [])],
  })
  try {
    const results = await allocatePlan(allocator, plan, quiet, emit)
    const allocations = Object.values(plan.instances).flat().map((name) => results.get(name)!)
    emit({ type: 'summary', level: 'info', serviceName: '*', message: formatSummary(allocations) })
    return { environment: plan.environment, allocations, exports: buildExports(plan, results) }
  } finally {
    await allocator.dispose()
  }
}
