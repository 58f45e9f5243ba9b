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
export { findProjectRoot } from '../registry/project.ts'
export { pruneAfterFromEnv } from '../registry/prune.ts'
export { createRegistry, type MovedFrom, type Registry } from '../registry/registry.ts'
export { exclusions, type ExclusionOptions } from '../plugins/exclusions.ts'
export { persist } from '../plugins/persist.ts'
export { loadProject, type LoadedProject } from '../project/load.ts'
export { buildExports } from '../project/exports.ts'
export { pickEnvironment, planEnvironment, type Plan } from '../project/plan.ts'
export type { ServiceConfig } from '../project/schema.ts'
export { upProject } from '../project/up.ts'
export { type Allocator, createAllocator } from '../spec/allocator.ts'
