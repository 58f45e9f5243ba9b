/** Public types of berth. Implementation files stay sparse; the documentation lives here. */
import type { PortPlugin } from './plugin-types.ts'
import type { PortEntry, PortRanges } from './port-ranges.ts'

export type * from './plugin-types.ts'

export type Awaitable<T> = T | Promise<T>

/** Why a port was not handed out. `in-use` and `permission` come from a real bind. */
export type SkipReason =
  | 'in-use'
  | 'permission'
  | 'timeout'
  | 'unavailable'
  | 'excluded'
  | 'claimed'
  /** Leased to another service whose owner still runs (persistence). */
  | 'leased'
  /** Remembered for another service whose owner has exited: used only when nothing else is free. */
  | 'dormant'
  /** Found free, but another process leased it first (a lost race, seen by a plugin's `claim`). */
  | 'raced'
  | (string & {})

/**
 * An `accept` answer meaning "only if nothing else is free": the port is tried after every
 * other candidate, in order. Used for ports remembered for another service.
 */
export interface Deferral {
  defer: SkipReason
}

/** What one check of one port found. */
export interface ProbeResult {
  port: number
  free: boolean
  /** Set when `free` is false. */
  reason?: SkipReason
  /** The address whose bind failed (for a busy port). */
  host?: string
  /** The errno behind the answer, such as `EADDRINUSE`. */
  code?: string
}

/**
 * Checks whether a server could listen on `port` at every address in `hosts`.
 * Injected into the allocator so tests and other engines can replace it.
 */
export type Probe = (port: number, hosts: readonly string[]) => Promise<ProbeResult>

/** A request after validation: what every plugin hook receives. */
export interface AllocationRequest {
  serviceName: string
  basePort: number
  maxPort: number
  /** Ports never handed out, as merged ranges (`has(port)`, `ranges()`, iterable). */
  exclude: PortRanges
  /** The address the service will bind; `undefined` means every loopback and wildcard address. */
  host: string | undefined
  /** The addresses checked for this request. */
  hosts: readonly string[]
  /** Strict: only the preferred port will do; fail (naming who holds it) rather than move. */
  strict: boolean
  /**
   * Each plugin's own options for this request, under the plugin's name, already checked by the
   * plugin's `options` schema (its output). A plugin the request gave nothing finds `undefined`:
   * read them with `optionsOf(req, plugin)` (typed by the schema) or `req.options[name]`.
   */
  options: Readonly<Record<string, unknown>>
}

/** How a port was found: the user's preferred port, the port the service had before, or another one. */
export type AllocationOutcome = 'preferred' | 'remembered' | 'fallback'

/** A candidate passed over, with why. */
export interface SkippedCandidate {
  port: number
  reason: SkipReason
  /** The address whose bind failed (for a busy port). */
  host?: string
}

export interface AllocationResult {
  port: number
  serviceName: string
  /**
   * The user's preferred port: the environment value when valid, else a plugin's preference,
   * else `basePort`. Never the remembered port (see `rememberedPort`).
   */
  preferredPort: number
  /** True when `port === preferredPort`. */
  usedPreferred: boolean
  /** `preferred`, `remembered` (the port this service had before, not its preferred one) or `fallback`. */
  outcome: AllocationOutcome
  /** The port this service had before (persistence), when it had one inside the range. */
  rememberedPort?: number
  /** Candidates examined up to and including the chosen one. */
  attempts: number
  host: string | undefined
  /** Candidates passed over before the chosen one, each with its reason. */
  skipped: SkippedCandidate[]
  /** Seconds each round of port checks took (one port on the common path): what the probe-duration metric records. */
  probeSeconds?: number[]
}

/** `note`: a detail the CLI shows only with `--verbose` (such as an environment value that was ignored). */
export type AllocationEventType = 'start' | 'preferred' | 'remembered' | 'fallback' | 'exhausted' | 'warning' | 'note' | 'summary'

/** One of the spec's log lines, with the data behind it. */
export interface AllocationEvent {
  type: AllocationEventType
  level: 'info' | 'warn' | 'error'
  serviceName: string
  /** The line exactly as the spec writes it, e.g. `✅ [web] Allocated preferred port 5000 after 1 attempt(s)`. */
  message: string
  result?: AllocationResult
}

/** Anything with console's three methods; `console` itself works. */
export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/** Options shared by `createAllocator` and the spec's functions. */
export interface AllocatorOptions {
  /** Strategy and policy plugins, in order. Falsy entries are ignored. */
  plugins?: Array<PortPlugin | false | null | undefined>
  /**
   * Receives the spec's log lines. The spec's functions (`allocatePort`, `allocateMultiplePorts`,
   * `getPortFromEnvOrAllocate`, `getConfig`) use `console` when it is not given; `null` silences
   * them. `createAllocator` prints nothing without one.
   */
  logger?: Logger | null
  /** Receives every event as data. */
  onEvent?: (event: AllocationEvent) => void
  /** Replaces the socket probe (tests, other engines). */
  probe?: Probe
  /**
   * Time allowed for one port check, in milliseconds.
   * @default 1000
   */
  timeout?: number
  /** The environment read by plugins. @default process.env */
  env?: Record<string, string | undefined>
}

/** One request, as `allocate` takes it (the spec's `allocatePort` options without the allocator-wide ones). */
export interface RequestInput {
  /** The port to try first and the start of the range. */
  basePort: number
  /**
   * The last port of the range.
   * @default Math.min(basePort + 100, 65535)
   */
  maxPort?: number
  /** Names the service in logs and results. */
  serviceName: string
  /** Ports never to hand out: ports and inclusive ranges, `[3000, [3100, 3110]]`; at most 65535 entries. */
  exclude?: readonly PortEntry[]
  /**
   * The address the service will bind. Without it every loopback and wildcard address
   * (`::`, `0.0.0.0`, `127.0.0.1`, `::1`) must be free.
   */
  host?: string
  /** Only the preferred port will do: fail, naming who holds it, instead of moving. @default false */
  strict?: boolean
  /**
   * The plugins' own options, under each plugin's name: `{ pool: { name: 'web' }, hash: { seed: 7 } }`.
   * Each is checked by its plugin's `options` schema; a name no plugin has is refused.
   */
  options?: Record<string, unknown>
}
