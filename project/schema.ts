/** The project file (`berth.config.json` or `.ts`), validated with valibot; errors point at the key and the value. */
import * as v from 'valibot'
import { PortError } from '../core/errors.ts'
import { DENIED_EXPORT_MESSAGE, isDeniedExport } from './denied-exports.ts'
import { nameRecord } from './name-record.ts'
import { port, RUN_KEYS } from './run-schema.ts'

/**
 * How much one project file may ask for. Each bound is far above a real project and keeps a
 * hostile or broken file from costing memory or time in proportion to its numbers.
 */
export const LIMITS = {
  /** Bytes of a berth.config.json read at most (a .ts file is code: loading it has a deadline instead). */
  fileBytes: 1024 * 1024,
  environments: 64,
  services: 1024,
  pools: 1024,
  poolPorts: 65535,
  groups: 256,
  groupMembers: 64,
  exports: 1024,
  template: 4096,
  plugins: 64,
  /** Ports one environment asks for, instances included. */
  ports: 4096,
  /** Trial placements of all groups of an environment: the sum of (span + 1) x members. */
  groupTrials: 65536,
} as const

const envName = v.pipe(
  v.string('expected an environment variable name'),
  v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name such as PORT'),
  v.check(
    (name) => !isDeniedExport(name),
    (issue) => `${issue.input} ${DENIED_EXPORT_MESSAGE}`,
  ),
)
const range = v.pipe(v.string(), v.regex(/^[1-9][0-9]{0,4}-[1-9][0-9]{0,4}$/, 'expected a range like "3000-3099"'))
const poolSpec = v.union(
  [
    range,
    v.pipe(
      v.array(port),
      v.minLength(1, 'expected at least one port'),
      v.maxLength(LIMITS.poolPorts, `expected at most ${LIMITS.poolPorts} ports`),
    ),
  ],
  'expected a range like "3000-3099" or a list of ports',
)
const name = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'expected a name of letters, digits, ".", "_" or "-"'))

export const ServiceSchema = v.pipe(
  v.strictObject({
    base: v.optional(port),
    max: v.optional(port),
    /** A pool name from `pools`, or the service's own range or list. */
    pool: v.optional(v.union([name, poolSpec], 'expected a pool name, a range like "3000-3099" or a list of ports')),
    priority: v.optional(v.pipe(v.number('expected a number'), v.integer('expected a whole number'))),
    strict: v.optional(v.boolean('expected true or false')),
    instances: v.optional(
      v.pipe(
        v.number('expected a number'),
        v.integer('expected a whole number'),
        v.minValue(1, 'expected at least 1'),
        v.maxValue(64, 'expected at most 64'),
      ),
    ),
    /** The variable exported with the port (and tried first when it already holds a valid port). */
    env: v.optional(envName),
    host: v.optional(v.string('expected an IP address or "localhost"')),
    /** Plugins' own options, under each plugin's name; each plugin's schema checks its part once the plugins are loaded. */
    options: v.optional(
      v.pipe(
        v.record(v.string(), v.unknown(), "expected an object of plugins' options under their names"),
        v.check((o) => Object.keys(o).length <= LIMITS.plugins, `expected options for at most ${LIMITS.plugins} plugins`),
      ),
    ),
    /** How `berth run` starts the service. */
    ...RUN_KEYS,
  }),
  v.check((s) => s.base !== undefined || s.pool !== undefined, 'a service needs "base" or "pool"'),
  v.check((s) => s.base === undefined || s.max === undefined || s.max >= s.base, '"max" is below "base": the range is reversed'),
)

const GroupSchema = v.strictObject({
  services: v.pipe(
    v.array(name),
    v.minLength(2, 'a group needs at least two services'),
    v.maxLength(LIMITS.groupMembers, `expected at most ${LIMITS.groupMembers} services`),
  ),
  /** How far the shared offset may go: 0..span. */
  span: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000, 'expected at most 1000')), 100),
})

const EnvironmentSchema = v.strictObject({
  services: nameRecord(name, ServiceSchema, LIMITS.services, 'services'),
  /** Extra variables built from the allocations: "http://localhost:${api-server.port}". Functions in berth.config.ts. */
  exports: v.optional(
    nameRecord(
      envName,
      v.union(
        [v.pipe(v.string(), v.maxLength(LIMITS.template, `expected at most ${LIMITS.template} characters`)), v.function()],
        'expected a template string or (in berth.config.ts) a function',
      ),
      LIMITS.exports,
      'exports',
    ),
  ),
  groups: v.optional(nameRecord(name, GroupSchema, LIMITS.groups, 'groups')),
})

export const ConfigSchema = v.strictObject({
  pools: v.optional(nameRecord(name, poolSpec, LIMITS.pools, 'pools')),
  exclude: v.optional(
    v.strictObject({ browserUnsafe: v.optional(v.boolean()), ephemeral: v.optional(v.boolean()), privileged: v.optional(v.boolean()) }),
  ),
  /** Plugin files, relative to the config file. */
  plugins: v.optional(
    v.pipe(
      v.array(v.string('expected a path to a plugin file')),
      v.maxLength(LIMITS.plugins, `expected at most ${LIMITS.plugins} plugin files`),
    ),
  ),
  environments: v.pipe(
    nameRecord(name, EnvironmentSchema, LIMITS.environments, 'environments'),
    v.check((envs) => Object.keys(envs).length > 0, 'expected at least one environment'),
  ),
})

export type ProjectConfig = v.InferOutput<typeof ConfigSchema>
export type ServiceConfig = v.InferOutput<typeof ServiceSchema>
export type EnvironmentConfig = v.InferOutput<typeof EnvironmentSchema>

const show = (value: unknown) => (typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value)))

/** Validates a parsed config; the error lists each problem as `key.path: what was expected, got value`. */
export function parseConfig(input: unknown, file: string): ProjectConfig {
  const result = v.safeParse(ConfigSchema, input)
  if (result.success) return result.output
  const problems = result.issues.map((issue) => {
    const path = issue.path?.map((item) => String(item.key)).join('.') || '(top level)'
    // valibot words key problems generically; say what they mean here.
    if (issue.message.startsWith('Invalid key: Expected never')) return `  ${path}: unknown key (a typo?)`
    if (issue.message.startsWith('Invalid key:')) return `  ${path}: missing`
    return `  ${path}: ${issue.message}, got ${show(issue.input)}`
  })
  throw new PortError('E_INVALID_OPTIONS', `${file} is not a valid berth config:\n${problems.join('\n')}`)
}
