/**
 * Everything the runner takes from the layers above it, in one place: the library's entry and
 * the few modules it does not re-export. When those files move, only this file changes.
 */
export {
  createAllocator, createRegistry, findProjectRoot, loadProject, persist, pickEnvironment, probeHosts, PortError,
  resolveStateDir, upProject, formatSummary,
  type AllocationEvent, type AllocationResult, type AllocatorOptions, type LoadedProject, type PortEntry, type PortPlugin, type Probe,
  type ProbeResult, type Registry, type ServiceConfig,
} from '../core/index.ts'
export { findHolder, type Holder } from '../core/holder.ts'
export { ownerOf } from '../core/state/owner.ts'
export { projectOrSpec } from '../core/project/spec.ts'
