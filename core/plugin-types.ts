/**
 * The plugin contract: what a plugin is, what its hooks receive and may answer, and the schema
 * of its own per-request options. Part of the public types (re-exported by types.ts).
 */
import type { AllocationEvent, AllocationRequest, AllocationResult, Awaitable, Deferral, Probe, SkipReason } from './types.ts'

/**
 * Any schema that follows Standard Schema v1 (https://standardschema.dev): valibot's (`v.object`…),
 * zod's or arktype's. It must validate synchronously. Only the parts berth calls are named here.
 */
export interface OptionsSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    validate(value: unknown): OptionsSchemaResult<Output> | Promise<OptionsSchemaResult<Output>>
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined
  }
}

export type OptionsSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
      }>
    }

/**
 * A `preferred` answer with more to say than the number. `remembered`: the port this service
 * had before (persistence), reported as "remembered", never as the user's preference.
 * `inUseByOwn`: asked only when the port is found in use; a line saying the holder is this
 * service's own process (the port is then answered as it is, without a new claim), else null.
 */
export interface PreferredCandidate {
  port: number
  remembered?: boolean
  inUseByOwn?: (port: number) => Promise<string | null>
}

/** What every hook receives last. New fields may be added; plugins must not depend on its exact shape. */
export interface PluginContext {
  /** Sends an event to the caller's logger and `onEvent`. */
  emit(event: AllocationEvent): void
  probe: Probe
  /** The environment the request was made in (`process.env` unless injected). */
  env: Readonly<Record<string, string | undefined>>
}

/**
 * A plugin is a plain object made by a factory function; its `name` is unique among the plugins
 * of one allocator (a plugin of the same name as a default one, such as `envPreference`,
 * replaces it). `options`: a schema for the plugin's own per-request options, given as
 * `options: { [name]: … }` in a request (and in a service of berth.config.json); they are checked
 * once, when the request is, and reach every hook as `req.options[name]`.
 *
 * Candidates, in this order, each port once: the `preferred` ports (the environment value, the
 * port the service had last time…), then the strategy's: the first `candidates` answer, or
 * without one the default sequential range `basePort..maxPort` (so `basePort` comes first only
 * there). A strategy's first port is the first one tried after the preferred ones; `basePort`
 * is not put in front of it. A strict request tries its preferred ports and `basePort` only.
 *
 * Hook kinds, each run one way:
 * - first non-null wins: `candidates` (a port source, lazy: an iterable or async iterable of
 *   ports 1-65535; a repeat is skipped, but endless repeats are an error), `order` (services allocated together: returns the same requests, reordered).
 * - in order: `setup` (once, before the first allocation), `preferred` (every port answered
 *   goes to the front of the candidates), `accept` (filters: `false` or a reason string skips
 *   the port, `{ defer: reason }` tries it after every other candidate; the first refusal
 *   settles it), `claim` (after the probe found the port free; `false` means another process
 *   won it, and the allocator moves on), `allocated` (observers).
 * - reverse order: `released`, `rollback` (a claim undone because the batch it belonged to failed,
 *   all or nothing as in `berth up`: put back what was there before; plugins without it get `released`).
 * - reverse order and always: `dispose` runs on every plugin even when another one's failed.
 * A failing hook becomes a `PortError` with code `E_PLUGIN` naming the plugin and the hook.
 */
export interface PortPlugin {
  name: string
  /** The schema of this plugin's per-request options (see above). */
  options?: OptionsSchema
  setup?(ctx: PluginContext): Awaitable<void>
  preferred?(req: AllocationRequest, ctx: PluginContext): Awaitable<number | PreferredCandidate | null | undefined>
  candidates?(req: AllocationRequest, ctx: PluginContext): Iterable<number> | AsyncIterable<number> | null | undefined
  order?(requests: readonly AllocationRequest[], ctx: PluginContext): Awaitable<readonly AllocationRequest[] | null | undefined>
  accept?(port: number, req: AllocationRequest, ctx: PluginContext): Awaitable<boolean | SkipReason | Deferral>
  /** `result`: what the allocation answers if this claim wins (`allocated` then gets the same), so a plugin can record it in the claim's own write. */
  claim?(port: number, req: AllocationRequest, ctx: PluginContext, result: AllocationResult): Awaitable<boolean>
  allocated?(result: AllocationResult, ctx: PluginContext): Awaitable<void>
  released?(port: number, ctx: PluginContext): Awaitable<void>
  rollback?(port: number, ctx: PluginContext): Awaitable<void>
  dispose?(ctx: PluginContext): Awaitable<void>
}
