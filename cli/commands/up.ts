import { formatSummary } from '../../core/messages.ts'
import { pickEnvironment } from '../../project/plan.ts'
import { upProject } from '../../project/up.ts'
import type { AllocationResult } from '../../core/types.ts'
import { exportMarker } from '../../plugins/export-marker.ts'
import { SPEC_FILE, projectOrSpec } from '../../spec/services.ts'
import { textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { escapeLines, escapeText } from '../escape.ts'
import type { Io } from '../io.ts'
import { stderrEvents } from '../logger.ts'
import { persistPlugin, type PersistFlags } from '../persistence.ts'
import { containersPlugin } from '../containers.ts'
import { failureRecorder } from '../failure-metrics.ts'
import { exclusionOverrides, pluginFiles, type PolicyFlags } from '../policy.ts'
import { projectEnv, type ProjectFlag } from '../project.ts'
import { registerSelfImports } from '../self-imports.ts'
import { interruptible } from '../signals.ts'
import { checkWriteTarget, writeAtomically } from '../write-file.ts'
import { verbosityOf } from './get.ts'

export interface UpOptions extends PersistFlags, PolicyFlags, ProjectFlag {
  env?: unknown
  /** `--config FILE`: the project file, instead of the one found from the working directory up. */
  config?: unknown
  format?: unknown
  write?: unknown
  quiet?: boolean
  verbose?: boolean
}

const FORMATS = ['summary', 'env', 'json', 'shell'] as const
type Format = (typeof FORMATS)[number]

interface Outcome {
  environment: string
  allocations: AllocationResult[]
  exports: Record<string, string>
  /** BERTH_EXPORTS: which of these berth set, for which project (env and shell formats). */
  marker: Record<string, string>
}

/** Values are quoted for the shell only when they need it. */
const shellValue = (value: string) => (/^[A-Za-z0-9_./:@%+,-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`)

function render(format: Format, outcome: Outcome): string {
  if (format === 'summary') return `${formatSummary(outcome.allocations)}\n`
  if (format === 'json')
    return `${JSON.stringify({ environment: outcome.environment, env: outcome.exports, allocations: outcome.allocations })}\n`
  const prefix = format === 'shell' ? 'export ' : ''
  return Object.entries({ ...outcome.exports, ...outcome.marker })
    .map(([key, value]) => `${prefix}${key}=${shellValue(value)}\n`)
    .join('')
}

/** The real folder of a file (the project root of `--config FILE`), or undefined when it does not exist (loadProject says so). */
async function folderOf(file: string, cwd: string): Promise<string | undefined> {
  const [{ realpathSync }, { dirname, resolve }] = await Promise.all([import('node:fs'), import('node:path')])
  try {
    return dirname(realpathSync(resolve(cwd, file)))
  } catch {
    return undefined
  }
}

/**
 * `berth up`: allocates every service of the project file (berth.config.ts / .json at the project
 * root) for one environment, or the spec's services when there is no file; the summary report goes
 * to stderr, the exports to stdout or to `--write FILE`. All or nothing, also when SIGINT or
 * SIGTERM arrives: every claim is rolled back and no lease changes (exit 130 / 143).
 */
export async function upCommand(options: UpOptions, io: Io): Promise<number> {
  const format = textArg('--format', options.format) ?? 'env'
  if (!FORMATS.includes(format as Format)) throw usageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`)
  const write = textArg('--write', options.write)
  if (write) await checkWriteTarget(write, io.cwd)
  const explicit = textArg('--env', options.env)
  const env = projectEnv(options, io.env)
  const failures = failureRecorder(io, stderrEvents(io, verbosityOf(options)))
  const onEvent = failures.onEvent
  const configFile = textArg('--config', options.config)
  // A file named with --config makes its folder the project, for the leases too.
  const configRoot = configFile === undefined ? undefined : await folderOf(configFile, io.cwd)
  const persist = await persistPlugin(options, { project: configRoot, cwd: io.cwd, env })
  registerSelfImports()
  const project = await projectOrSpec(io.cwd, { file: configFile, env })
  const environment = pickEnvironment(explicit, env.NODE_ENV, Object.keys(project.config.environments))
  if (!Object.hasOwn(project.config.environments, environment)) {
    const names = Object.keys(project.config.environments)
    throw usageError(
      project.file === SPEC_FILE
        ? `--env must be "development" or "production" without a berth.config file, got ${JSON.stringify(environment)}`
        : `--env: ${project.file} has no environment ${JSON.stringify(environment)}; it has: ${names.join(', ')}`,
    )
  }
  const plugins = [await containersPlugin(io.env), persist, ...(await pluginFiles(options, io))]
  const up = await interruptible(io, (signal) =>
    upProject(project, { environment, env, onEvent, plugins, exclude: exclusionOverrides(options), signal }),
  ).catch(async (error: unknown) => {
    if (persist) await failures.record(error)
    throw error
  })
  const services = project.config.environments[environment]!.services
  const portVars = Object.values(services).flatMap((service) => (service.env ? [service.env] : []))
  const outcome: Outcome = { ...up, marker: exportMarker(project.root, portVars, up.exports) }
  const text = render(format as Format, outcome)
  // The file is written before the summary is printed: a summary says the work is done.
  if (write) await writeAtomically(write, text, io.cwd)
  if (format !== 'summary') io.stderr(`${escapeLines(formatSummary(outcome.allocations))}\n`)
  // Exports and JSON stay exact for the programs that read them; the summary is for people.
  if (write) io.stderr(`${escapeText(`Wrote ${Object.keys(outcome.exports).length} variables to ${write}`)}\n`)
  else io.stdout(format === 'summary' ? escapeLines(text) : text)
  return EXIT.ok
}
