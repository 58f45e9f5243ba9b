/**
 * `berth exec SERVICE [options] -- CMD ARGS…`: the runner's `exec`, with SIGINT, SIGTERM and
 * SIGHUP forwarded to the service's process group; berth exits with the service's code.
 */
import type { RunnerLine } from '../../runner/service.ts'
import { portArg, portListArg, textArg, usageError } from '../args.ts'
import { escapeLines } from '../escape.ts'
import type { Io } from '../io.ts'
import { stderrEvents } from '../logger.ts'
import { exclusionOverrides, pluginFiles, type PolicyFlags } from '../policy.ts'
import { projectEnv, type ProjectFlag } from '../project.ts'
import { verbosityOf } from './get.ts'

export interface ExecFlags extends PolicyFlags, ProjectFlag {
  base?: unknown
  max?: unknown
  exclude?: unknown
  host?: unknown
  env?: unknown
  config?: unknown
  environment?: unknown
  fd?: boolean
  /** false with `--no-ready`. */
  ready?: boolean
  readyTimeout?: unknown
  stopTimeout?: unknown
  /** false with `--no-persist`. */
  persist?: boolean
  quiet?: boolean
  verbose?: boolean
  '--'?: unknown
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 }

/** `500ms`, `30s`, `2m`, or `30` (seconds). */
export function msArg(name: string, value: unknown): number {
  const match = typeof value === 'string' ? /^([0-9]{1,7})(ms|s|m)?$/.exec(value) : null
  if (!match || Number(match[1]) === 0)
    throw usageError(`${name} must be a duration such as 500ms, 30s or 2m, got ${JSON.stringify(String(value))}`)
  return Number(match[1]) * UNIT_MS[match[2] ?? 's']!
}

export const lineWriter = (io: Io) => (line: RunnerLine) => {
  const { yellow, red } = io.err
  const text = escapeLines(line.message)
  io.stderr(`${line.level === 'warn' ? yellow(text) : line.level === 'error' ? red(text) : text}\n`)
}

/** Calls `forward` with each of SIGINT, SIGTERM, SIGHUP while `work` runs. */
export async function forwardingSignals<T>(forward: (signal: NodeJS.Signals) => void, work: () => Promise<T>): Promise<T> {
  const offs = FORWARDED.map((name) => {
    const handler = () => forward(name)
    process.on(name, handler)
    return () => process.off(name, handler)
  })
  try {
    return await work()
  } finally {
    for (const off of offs) off()
  }
}

export async function execCommand(service: string | undefined, flags: ExecFlags, io: Io): Promise<number> {
  const argv = (Array.isArray(flags['--']) ? flags['--'] : []).map(String)
  const basePort = flags.base === undefined ? undefined : portArg('--base', flags.base)
  const maxPort = flags.max === undefined ? undefined : portArg('--max', flags.max)
  if (basePort !== undefined && maxPort !== undefined && maxPort < basePort)
    throw usageError(`--max ${maxPort} is below --base ${basePort}: the range is reversed`)
  const exclude = flags.exclude === undefined ? [] : portListArg('--exclude', flags.exclude)
  const readyTimeoutMs = flags.readyTimeout === undefined ? undefined : msArg('--ready-timeout', flags.readyTimeout)
  const stopTimeoutMs = flags.stopTimeout === undefined ? undefined : msArg('--stop-timeout', flags.stopTimeout)
  const envVar = textArg('--env', flags.env)
  if (envVar !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(envVar))
    throw usageError(`--env must be a variable name such as APP_PORT, got ${JSON.stringify(envVar)}`)
  if (service === undefined) throw usageError('exec needs a service name and a command: berth exec web -- node server.js')
  if (argv.length === 0) throw usageError(`exec needs a command after "--": berth exec ${service} -- node server.js`)
  const env = projectEnv(flags, io.env)
  const plugins = await pluginFiles(flags, { env, cwd: io.cwd })
  const [{ exec }, { hasProjectFile }] = await Promise.all([import('../../runner/exec.ts'), import('../../runner/project-file.ts')])
  const config = textArg('--config', flags.config)
  const projectFile = config !== undefined || (await hasProjectFile(io.cwd, env))
  // A project file may import berth itself (cli/self-imports.ts). Without one, the whole of
  // valibot that registering brings is not loaded before the spawn (README, Benchmark, scenario 12).
  if (projectFile) (await import('../self-imports.ts')).registerSelfImports()
  const controller = new AbortController()
  const outcome = await forwardingSignals(
    (signal) => controller.abort(signal),
    () =>
      exec(service, argv, {
        basePort,
        maxPort,
        exclude,
        host: textArg('--host', flags.host),
        envVar,
        env,
        plugins,
        policy: exclusionOverrides(flags),
        // None found just now: the runner need not look again.
        config: projectFile ? config : false,
        environment: textArg('--environment', flags.environment),
        persist: flags.persist,
        passFd: flags.fd === true,
        ready: flags.ready !== false,
        readyTimeoutMs,
        stopTimeoutMs,
        onEvent: stderrEvents(io, verbosityOf(flags)),
        onLog: lineWriter(io),
        signal: controller.signal,
      }),
  )
  return outcome.code
}
