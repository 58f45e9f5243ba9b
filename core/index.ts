export { allocatePort, allocateMultiplePorts, getPortFromEnvOrAllocate, isPortAvailable, type ServiceRequest } from './api.ts'
export { createAllocator, type AllocateInput, type Allocator } from './allocator.ts'
export { portRange } from './candidates.ts'
export { clearClaims, releaseClaim as releasePort } from './claims.ts'
export { config, getConfig, resetConfig, SPEC_SERVICES, type BerthConfig, type Environment, type GetConfigOptions } from './config.ts'
export { createMainThreadEngine, type ProbeEngine } from './engine.ts'
export { createPooledEngine, POOL_THRESHOLD, CHUNK_SIZE, type PooledEngine, type PooledEngineOptions } from './pool/engine.ts'
export { scanPorts, freeRuns, type PortRun, type ScanOptions, type ScanReport } from './scan.ts'
export { PortError, isPortError, type PortErrorCode } from './errors.ts'
export { exhaustedMessage, formatSummary } from './messages.ts'
export { checkPort, checkPorts, probeHosts, DEFAULT_TIMEOUT_MS } from './probe.ts'
export { parsePortText, DEFAULT_RANGE_SPAN } from './validate.ts'
export { envPreference, exclusions, persist, pool, priority, sequential, type ExclusionOptions, type PersistOptions, type PoolOptions, type PoolSpec } from '../plugins/index.ts'
export { resolveStateDir } from './state/dir.ts'
export { findProjectRoot } from './state/project.ts'
export { loadProject, type LoadedProject, type LoadProjectOptions } from './project/load.ts'
export { loadPluginFile } from './project/plugin-file.ts'
export { DEFAULT_LOAD_TIMEOUT_MS, type LoadFileOptions } from './project/import-file.ts'
export { PortRanges, type PortEntry } from './port-ranges.ts'
export { assertTrustedFile, type TrustOptions } from './trust.ts'
export { upProject, type ProjectAllocation, type UpProjectOptions } from './project/up.ts'
export { pickEnvironment } from './project/plan.ts'
export { ConfigSchema, parseConfig, type ProjectConfig, type ServiceConfig } from './project/schema.ts'
export { createRegistry, type Lease, type LeaseState, type Registry } from './state/registry.ts'
export type {
  AllocatePortOptions,
  AllocationEvent,
  AllocationOutcome,
  AllocationRequest,
  AllocationResult,
  AllocatorOptions,
  Awaitable,
  Logger,
  PluginContext,
  PortPlugin,
  PreferredCandidate,
  Probe,
  ProbeResult,
  SkippedCandidate,
  SkipReason,
} from './types.ts'

/** Identity helper for type inference when writing a plugin. */
export const definePlugin = <T extends import('./types.ts').PortPlugin>(plugin: T): T => plugin
