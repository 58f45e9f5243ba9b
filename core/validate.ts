import * as v from 'valibot'
import { PortError } from './errors.ts'
import { PortRanges } from './port-ranges.ts'
import { resolvePluginOptions } from './plugin-options.ts'
import type { AllocationRequest, PortPlugin, RequestInput } from './types.ts'

/** How far past `basePort` the range reaches when `maxPort` is not given (the spec's development tables use 100). */
export const DEFAULT_RANGE_SPAN = 100

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value))

const portSchema = (key: string) => {
  const message = (issue: { input: unknown }) => `${key} must be a whole number from 1 to 65535, got ${show(issue.input)}`
  return v.pipe(v.number(message), v.integer(message), v.minValue(1, message), v.maxValue(65535, message))
}

const serviceNameMessage = (issue: { input: unknown }) => `serviceName must be 1-128 printable characters, got ${show(issue.input)}`

/** More entries than there are ports is never a real list. */
export const MAX_EXCLUDE_ENTRIES = 65535

const excludedMessage = (issue: { input: unknown }) =>
  `each excluded entry must be a port from 1 to 65535 or a [from, to] range of them, got ${JSON.stringify(issue.input) ?? String(issue.input)}`

const excludedRangeSchema = () =>
  v.pipe(
    v.tuple([portSchema('an excluded range start'), portSchema('an excluded range end')]),
    v.check(
      ([from, to]) => from <= to,
      (issue) => `the excluded range ${JSON.stringify(issue.input)} is reversed`,
    ),
  )

/** Built on first use: a cold `berth get` with a plain request never needs it. */
const buildRequestSchema = () =>
  v.pipe(
    v.object({
      serviceName: v.pipe(
        v.string(serviceNameMessage),
        v.minLength(1, serviceNameMessage),
        v.maxLength(128, serviceNameMessage),
        v.regex(/^[^\u0000-\u001f\u007f]+$/, serviceNameMessage),
      ),
      basePort: portSchema('basePort'),
      maxPort: v.optional(portSchema('maxPort')),
      exclude: v.optional(
        v.pipe(
          v.array(
            v.union([portSchema('each excluded port'), excludedRangeSchema()], excludedMessage),
            'exclude must be an array of ports and [from, to] ranges',
          ),
          v.maxLength(
            MAX_EXCLUDE_ENTRIES,
            (issue) =>
              `exclude has ${(issue.input as unknown[]).length} entries; at most ${MAX_EXCLUDE_ENTRIES} (merge them into [from, to] ranges)`,
          ),
        ),
        [],
      ),
      host: v.optional(v.string((issue) => `host must be a string, got ${show(issue.input)}`)),
      strict: v.optional(
        v.boolean((issue) => `strict must be true or false, got ${show(issue.input)}`),
        false,
      ),
      // Each plugin checks its own (core/plugin-options.ts); the core only carries them.
      options: v.optional(v.unknown()),
    }),
    v.check(
      (input) => input.maxPort === undefined || input.maxPort >= input.basePort,
      (issue) => {
        const { basePort, maxPort } = issue.input as { basePort: number; maxPort: number }
        return `maxPort ${maxPort} is below basePort ${basePort}: the range ${basePort}-${maxPort} is reversed`
      },
    ),
  )

let requestSchema: ReturnType<typeof buildRequestSchema> | undefined

/** The addresses a request's `host` stands for: the probe layer's answer, given by the allocator (core/probing.ts). */
export type HostsFor = (host: string | undefined) => string[]

/**
 * Validates a request once, at the boundary: the core's fields here, each plugin's `options` by
 * the plugin's schema. Bad input becomes `E_INVALID_OPTIONS` naming the value.
 */
export function resolveRequest(input: RequestInput, hostsFor: HostsFor, plugins: readonly PortPlugin[] = []): AllocationRequest {
  if (input === null || typeof input !== 'object') {
    throw new PortError('E_INVALID_OPTIONS', `Expected an options object, got ${show(input)}`)
  }
  const req = plainRequest(input, hostsFor) ?? schemaRequest(input, hostsFor)
  if (input.options !== undefined) req.options = resolvePluginOptions(input.options, plugins)
  return req
}

const isPort = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
const SERVICE_NAME = /^[^\u0000-\u001f\u007f]{1,128}$/

/**
 * The request almost every call makes (a name, a base port, perhaps a max port, nothing else),
 * checked by hand: until the JIT has warmed up, the schema is a large part of an allocation
 * whose preferred port is free (README, Benchmark, scenario 1). Anything else, valid or not, returns null and goes
 * through the schema, which alone writes the error messages. A test holds both to the same answers.
 */
export function plainRequest(input: RequestInput, hostsFor: HostsFor): AllocationRequest | null {
  const { serviceName, basePort, maxPort } = input
  if (typeof serviceName !== 'string' || !SERVICE_NAME.test(serviceName) || !isPort(basePort)) return null
  if (maxPort !== undefined && (!isPort(maxPort) || maxPort < basePort)) return null
  const { exclude, host, strict, options } = input
  const noExclusions = exclude === undefined || (Array.isArray(exclude) && exclude.length === 0)
  if (!noExclusions || host !== undefined || strict !== undefined || options !== undefined) return null
  return toRequest({ serviceName, basePort, maxPort, exclude: [], host, strict: false }, hostsFor)
}

/** The full check: every field, with a message naming each bad value. */
export function schemaRequest(input: RequestInput, hostsFor: HostsFor): AllocationRequest {
  const parsed = v.safeParse((requestSchema ??= buildRequestSchema()), input)
  if (!parsed.success) {
    // Several checks of one value can fail alike ("" is both too short and not printable): each message once.
    const message = [...new Set(parsed.issues.map((issue) => issue.message))].join('; ')
    throw new PortError('E_INVALID_OPTIONS', message, { cause: parsed.issues })
  }
  return toRequest(parsed.output, hostsFor)
}

type CoreFields = Omit<v.InferOutput<ReturnType<typeof buildRequestSchema>>, 'options'>

function toRequest(checked: CoreFields, hostsFor: HostsFor): AllocationRequest {
  const { serviceName, basePort, maxPort, exclude, host, strict } = checked
  return {
    serviceName,
    strict,
    basePort,
    maxPort: maxPort ?? Math.min(basePort + DEFAULT_RANGE_SPAN, 65535),
    exclude: PortRanges.from(exclude),
    host,
    hosts: hostsFor(host),
    options: NO_OPTIONS,
  }
}

/** A request that gives no plugin options: one shared empty object. */
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze(Object.create(null))

/**
 * Reads a port from text: plain ASCII digits without a leading zero, 1-65535.
 * `abc`, `3000abc`, `1e3`, `0x50`, ` 80`, `-1`, `65536`, `080` and `""` all give null:
 * a port is never guessed from garbage.
 */
export function parsePortText(text: string | undefined): number | null {
  if (text === undefined || !/^[1-9][0-9]{0,4}$/.test(text)) return null
  const port = Number(text)
  return port <= 65535 ? port : null
}

/** Throws `E_INVALID_OPTIONS` unless `port` is a whole number from 1 to 65535. */
export function assertPort(port: unknown, key = 'port'): number {
  const parsed = v.safeParse(portSchema(key), port)
  if (!parsed.success) throw new PortError('E_INVALID_OPTIONS', parsed.issues[0].message)
  return parsed.output
}
