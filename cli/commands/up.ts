import { formatSummary, getConfig, type BerthConfig, type Environment } from '../../core/index.ts'
import { textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'
import { stderrEvents } from '../logger.ts'
import { persistPlugin, type PersistFlags } from '../persistence.ts'
import { verbosityOf } from './get.ts'

export interface UpOptions extends PersistFlags {
  env?: unknown
  format?: unknown
  quiet?: boolean
  verbose?: boolean
}

const FORMATS = ['env', 'shell', 'json'] as const
type Format = (typeof FORMATS)[number]

function exportsOf(config: BerthConfig): Record<string, string> {
  const vars: Record<string, string> = { PORT: String(config.PORT) }
  if (config.VITE_HMR_PORT !== undefined) vars.VITE_HMR_PORT = String(config.VITE_HMR_PORT)
  if (config.API_TARGET !== undefined) vars.API_TARGET = config.API_TARGET
  return vars
}

function render(format: Format, config: BerthConfig): string {
  const vars = exportsOf(config)
  if (format === 'json') return `${JSON.stringify({ environment: config.environment, env: vars, allocations: config.allocations })}\n`
  const prefix = format === 'shell' ? 'export ' : ''
  return Object.entries(vars).map(([key, value]) => `${prefix}${key}=${value}\n`).join('')
}

/** `berth up`: allocates the spec's services, prints the summary report on stderr and the exports on stdout. */
export async function upCommand(options: UpOptions, io: Io): Promise<number> {
  const environment = textArg('--env', options.env) ?? (io.env.NODE_ENV === 'production' ? 'production' : 'development')
  if (environment !== 'development' && environment !== 'production') {
    throw usageError(`--env must be "development" or "production", got ${JSON.stringify(environment)}`)
  }
  const format = textArg('--format', options.format) ?? 'env'
  if (!FORMATS.includes(format as Format)) {
    throw usageError(`--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`)
  }
  const config = await getConfig({
    environment: environment as Environment, env: io.env, refresh: true, plugins: [persistPlugin(options)], onEvent: stderrEvents(io, verbosityOf(options)),
  })
  io.stderr(`${formatSummary(config.allocations)}\n`)
  io.stdout(render(format as Format, config))
  return EXIT.ok
}
