/**
 * Everything the runner takes from the layers above it, in one place: when one of those files
 * moves, only this file changes.
 */
export { releaseClaim } from '../core/claims.ts'
export { PortError } from '../core/errors.ts'
export { formatSummary } from '../core/messages.ts'
export type { PortEntry } from '../core/port-ranges.ts'
export type { AllocationEvent, AllocationResult, AllocatorOptions, PortPlugin, Probe, ProbeResult } from '../core/types.ts'
export { checkPort, probeHosts } from '../probe/check.ts'
export { findHolder, type Holder } from '../probe/holder.ts'
export { resolveStateDir } from '../registry/dir.ts'
export { ownerOf } from '../registry/owner.ts'
export { pruneAfterFromEnv } from '../registry/prune.ts'
export { createRegistry, type MovedFrom, type Registry } from '../registry/registry.ts'
export { exclusions, type ExclusionOptions } from '../plugins/exclusions.ts'
export { persist } from '../plugins/persist.ts'
export { CONFIG_FILES, findProjectRoot } from '../registry/project.ts'
export { loadBuiltins } from '../registry/builtins.ts'
export type { LoadedProject } from '../project/load.ts'
export type { Plan } from '../project/plan.ts'
export type { ServiceConfig } from '../project/schema.ts'

/**
 * The project file's layer (its loader, schema, plan and allocation), loaded only when there is a
 * project file: a `berth exec` without one never evaluates it (README, Benchmark, scenario 12).
 */
export const projectLayer = () => import('./deps-project.ts')
export type ProjectLayer = Awaited<ReturnType<typeof projectLayer>>
export { type Allocator, createAllocator } from '../spec/allocator.ts'
