/**
 * The keys of a service that `berth run` starts it with (process-compose's names and defaults),
 * validated with the rest of the project file so a mistake is named by its key path.
 */
import * as v from 'valibot'

const seconds = v.pipe(
  v.number('expected a number of seconds'),
  v.minValue(0, 'expected 0 or more'),
  v.maxValue(86_400, 'expected at most 86400'),
)
const count = v.pipe(
  v.number('expected a number'),
  v.integer('expected a whole number'),
  v.minValue(1, 'expected at least 1'),
  v.maxValue(1000, 'expected at most 1000'),
)
/** A port number in a project file: the one schema both the service keys and the runner's keys use. */
export const port = v.pipe(
  v.number('expected a port number'),
  v.integer('expected a whole number'),
  v.minValue(1, 'expected a port from 1 to 65535'),
  v.maxValue(65535, 'expected a port from 1 to 65535'),
)
const argv = v.pipe(v.array(v.string('expected a string')), v.minLength(1, 'expected the program and its arguments'), v.maxLength(1024))
const serviceName = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'expected a service name'))

const ProbeSchema = v.pipe(
  v.strictObject({
    http_get: v.optional(
      v.strictObject({
        host: v.optional(v.string('expected a host')),
        scheme: v.optional(v.picklist(['http', 'https'], 'expected "http" or "https"')),
        path: v.optional(v.pipe(v.string(), v.startsWith('/', 'expected a path starting with "/"'))),
        port: v.optional(port),
        headers: v.optional(v.record(v.string(), v.string('expected a header value'))),
        status_code: v.optional(
          v.pipe(v.number(), v.integer(), v.minValue(100, 'expected an HTTP status'), v.maxValue(599, 'expected an HTTP status')),
        ),
      }),
    ),
    exec: v.optional(
      v.strictObject({
        command: v.union([v.pipe(v.string(), v.minLength(1)), argv], 'expected a shell command or an argv list'),
        working_dir: v.optional(v.string()),
      }),
    ),
    tcp_socket: v.optional(v.strictObject({ host: v.optional(v.string('expected a host')), port: v.optional(port) })),
    initial_delay_seconds: v.optional(seconds),
    period_seconds: v.optional(seconds),
    timeout_seconds: v.optional(seconds),
    success_threshold: v.optional(count),
    failure_threshold: v.optional(count),
  }),
  v.check(
    (p) => [p.http_get, p.exec, p.tcp_socket].filter(Boolean).length === 1,
    'a probe needs exactly one of http_get, exec, tcp_socket',
  ),
)

const CONDITIONS = ['ready', 'started'] as const

export const RUN_KEYS = {
  /** The program: a shell command line, or argv. */
  command: v.optional(v.union([v.pipe(v.string(), v.minLength(1, 'expected a command')), argv], 'expected a command line or an argv list')),
  /** Relative to the project root. */
  cwd: v.optional(v.string('expected a folder')),
  /** Extra variables for the service (the port variables are berth's). */
  environment: v.optional(
    v.record(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name')), v.string('expected a string value')),
  ),
  /** process-compose's map form, or a list of names (condition `started`). */
  depends_on: v.optional(
    v.union(
      [
        v.array(serviceName),
        v.record(serviceName, v.strictObject({ condition: v.optional(v.picklist(CONDITIONS, 'expected "ready" or "started"'), 'ready') })),
      ],
      'expected a list of services or { "api": { "condition": "ready" } }',
    ),
  ),
  readiness_probe: v.optional(ProbeSchema),
  liveness_probe: v.optional(ProbeSchema),
  restart: v.optional(
    v.union(
      [
        v.picklist(['no', 'on_failure', 'always'], 'expected "no", "on_failure" or "always"'),
        v.strictObject({
          policy: v.picklist(['no', 'on_failure', 'always'], 'expected "no", "on_failure" or "always"'),
          max_restarts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
          backoff_seconds: v.optional(seconds),
        }),
      ],
      'expected "no", "on_failure", "always" or { policy, max_restarts, backoff_seconds }',
    ),
  ),
  shutdown: v.optional(
    v.strictObject({
      signal: v.optional(
        v.union(
          [v.picklist([1, 2, 3, 9, 15]), v.picklist(['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGKILL', 'SIGTERM'])],
          'expected a signal: 15 or "SIGTERM", 2 or "SIGINT", 1, 3, 9',
        ),
      ),
      timeout_seconds: v.optional(seconds),
    }),
  ),
}
