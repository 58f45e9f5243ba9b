/**
 * The package root, `berth`: the spec's functions, `createAllocator`, `definePlugin`,
 * `PortError` and the public types. The plugin factories are exported from `berth/plugins` only,
 * the conformance suite from `berth/conformance`, the drop-ins from their own subpaths. Anything
 * not exported here is internal and may change.
 */
export {
  allocatePort,
  allocateMultiplePorts,
  getPortFromEnvOrAllocate,
  isPortAvailable,
  type AllocatePortOptions,
  type ServiceRequest,
} from './spec/functions.ts'
export { config, getConfig, resetConfig, type BerthConfig, type Environment, type GetConfigOptions } from './spec/config.ts'
export { createAllocator, type AllocateInput, type Allocator } from './spec/allocator.ts'
export { definePlugin } from './core/define-plugin.ts'
export { optionsOf } from './core/plugin-options.ts'
export { releaseClaim, clearClaims } from './core/claims.ts'
export { PortError, isPortError, type PortErrorCode } from './core/errors.ts'
export { PortRanges, type PortEntry } from './core/port-ranges.ts'
export type { ProbeEngine } from './core/engine.ts'
export { scanPorts, type PortRun, type ScanOptions, type ScanReport } from './probe/scan.ts'
export type {
  AllocationEvent,
  AllocationOutcome,
  AllocationRequest,
  AllocationResult,
  AllocatorOptions,
  Awaitable,
  Logger,
  OptionsSchema,
  PluginContext,
  PortPlugin,
  PreferredCandidate,
  Probe,
  ProbeResult,
  RequestInput,
  SkippedCandidate,
  SkipReason,
} from './core/types.ts'
