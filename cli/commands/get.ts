import { createAllocator } from '../../spec/allocator.ts'
import { jsonObjectArg, portArg, portListArg, textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'
import { stderrEvents, type Verbosity } from '../logger.ts'
import { persistPlugin, type PersistFlags } from '../persistence.ts'
import { pluginFiles, policyPlugin, type PolicyFlags } from '../policy.ts'
import { projectEnv, type ProjectFlag } from '../project.ts'
import { containersPlugin } from '../containers.ts'
import { failureRecorder } from '../failure-metrics.ts'

export interface GetOptions extends PersistFlags, PolicyFlags, ProjectFlag {
  base?: unknown
  max?: unknown
  exclude?: unknown
  host?: unknown
  env?: unknown
  /** `--options JSON`: the plugins' own options, under their names. */
  options?: unknown
  json?: boolean
  quiet?: boolean
  verbose?: boolean
}

/** Without `--base`, services start here (a range clear of the OS ephemeral ports). */
export const DEFAULT_BASE_PORT = 3000

export function verbosityOf(options: { quiet?: boolean; verbose?: boolean }): Verbosity {
  if (options.quiet && options.verbose) throw usageError('--quiet and --verbose cannot be used together')
  return options.quiet ? 'quiet' : options.verbose ? 'verbose' : 'normal'
}

/** `berth get SERVICE`: stdout carries only the port and a newline, or one JSON object. */
export async function getCommand(service: string | undefined, options: GetOptions, io: Io): Promise<number> {
  const basePort = options.base === undefined ? DEFAULT_BASE_PORT : portArg('--base', options.base)
  const maxPort = options.max === undefined ? undefined : portArg('--max', options.max)
  if (maxPort !== undefined && maxPort < basePort) {
    throw usageError(`--max ${maxPort} is below --base ${basePort}: the range ${basePort}-${maxPort} is reversed`)
  }
  const exclude = options.exclude === undefined ? [] : portListArg('--exclude', options.exclude)
  const host = textArg('--host', options.host)
  const envVar = textArg('--env', options.env)
  const pluginOptions = options.options === undefined ? undefined : jsonObjectArg('--options', options.options)
  const env = projectEnv(options, io.env)
  const persist = await persistPlugin(options, { cwd: io.cwd, env })
  const plugins = [policyPlugin(options), await containersPlugin(io.env), persist, ...(await pluginFiles(options, io))]
  // A lease belongs to a service: without a name there is nothing to keep the port for. The flags are checked first.
  if (service === undefined) throw usageError('get needs a service name, e.g. "berth get web"')
  const failures = failureRecorder(io, stderrEvents(io, verbosityOf(options)))
  const allocator = createAllocator({ env, plugins, onEvent: failures.onEvent })
  try {
    const result = await allocator.allocate({
      serviceName: service,
      basePort,
      maxPort,
      exclude,
      host,
      envVar,
      options: pluginOptions,
    })
    io.stdout(options.json ? `${JSON.stringify({ ...result, host: result.host ?? null })}\n` : `${result.port}\n`)
    return EXIT.ok
  } catch (error) {
    // Counted only where leases are kept: --no-persist writes no state at all.
    if (persist) await failures.record(error)
    throw error
  } finally {
    await allocator.dispose()
  }
}
