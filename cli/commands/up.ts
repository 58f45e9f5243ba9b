import {
  formatSummary, getConfig, loadProject, pickEnvironment, upProject, type AllocationResult, type BerthConfig, type Environment,
} from '../../core/index.ts'
import { textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'
import { stderrEvents } from '../logger.ts'
import { persistPlugin, type PersistFlags } from '../persistence.ts'
import { exclusionOverrides, pluginFiles, type PolicyFlags } from '../policy.ts'
import { registerSelfImports } from '../self-imports.ts'
import { verbosityOf } from './get.ts'

export interface UpOptions extends PersistFlags, PolicyFlags {
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
}

/** Without a project file: the spec's services and its three variables. */
function specExports(config: BerthConfig): Record<string, string> {
  const vars: Record<string, string> = { PORT: String(config.PORT) }
  if (config.VITE_HMR_PORT !== undefined) vars.VITE_HMR_PORT = String(config.VITE_HMR_PORT)
  if (config.API_TARGET !== undefined) vars.API_TARGET = config.API_TARGET
  return vars
}

/** Values are quoted for the shell only when they need it. */
const shellValue = (value: string) => (/^[A-Za-z0-9_./:@%+,-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`)

function render(format: Format, outcome: Outcome): string {
  if (format === 'summary') return `${formatSummary(outcome.allocations)}\n`
  if (format === 'json') return `${JSON.stringify({ environment: outcome.environment, env: outcome.exports, allocations: outcome.allocations })}\n`
  const prefix = format === 'shell' ? 'export ' : ''
  return Object.entries(outcome.exports).map(([key, value]) => `${prefix}${key}=${shellValue(value)}\n`).join('')
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const { rename, writeFile } = await import('node:fs/promises')
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  await writeFile(temp, text, { flag: 'wx', mode: 0o644 })
  await rename(temp, file)
}

/** The real folder of a file (the project root of `--config FILE`), or undefined when it does not exist (loadProject says so). */
async function folderOf(file: string): Promise<string | undefined> {
  const [{ realpathSync }, { dirname }] = await Promise.all([import('node:fs'), import('node:path')])
  try {
    return dirname(realpathSync(file))
  } catch {
    return undefined
  }
}

/**
 * `berth up`: allocates every service of the project file (berth.config.ts / .json at the project
 * root) for one environment, or the spec's services when there is no file; the summary report goes
 * to stderr, the exports to stdout or to `--write FILE`.
 */
export async function upCommand(options: UpOptions, io: Io): Promise<number> {
  const format = textArg('--format', options.format) ?? 'env'
  if (!FORMATS.includes(format as Format)) throw usageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`)
  const write = textArg('--write', options.write)
  const explicit = textArg('--env', options.env)
  const onEvent = stderrEvents(io, verbosityOf(options))
  const configFile = textArg('--config', options.config)
  // A file named with --config makes its folder the project, for the leases too.
  const configRoot = configFile === undefined ? undefined : await folderOf(configFile)
  const persist = await persistPlugin(options, configRoot)
  registerSelfImports()
  const project = await loadProject(process.cwd(), { file: configFile, env: io.env })
  const plugins = [persist, ...(await pluginFiles(options, io.env))]
  let outcome: Outcome
  const environment = pickEnvironment(explicit, io.env.NODE_ENV, project ? Object.keys(project.config.environments) : ['development', 'production'])
  if (project) {
    outcome = await upProject(project, { environment, env: io.env, onEvent, plugins, exclude: exclusionOverrides(options) })
  } else {
    if (environment !== 'development' && environment !== 'production') {
      throw usageError(`--env must be "development" or "production" without a berth.config file, got ${JSON.stringify(environment)}`)
    }
    // project: false — the file was looked for above; getConfig need not look again.
    const config = await getConfig({ environment: environment as Environment, env: io.env, refresh: true, onEvent, plugins, project: false })
    outcome = { environment, allocations: config.allocations, exports: specExports(config) }
  }
  if (format !== 'summary') io.stderr(`${formatSummary(outcome.allocations)}\n`)
  const text = render(format as Format, outcome)
  if (write) {
    await writeAtomically(write, text)
    io.stderr(`Wrote ${Object.keys(outcome.exports).length} variables to ${write}\n`)
  } else io.stdout(text)
  return EXIT.ok
}
