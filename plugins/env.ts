import * as v from 'valibot'
import { exportedFor } from './export-marker.ts'
import { invalidEnvLine } from '../core/messages.ts'
import { optionsOf } from '../core/plugin-options.ts'
import type { PluginContext, PortPlugin, AllocationRequest } from '../core/types.ts'
import { parsePortText } from '../core/validate.ts'

const variableMessage = 'expected an environment variable name such as PORT'

const buildRequestOptions = () =>
  v.strictObject({
    variable: v.pipe(v.string(variableMessage), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, variableMessage)),
  })

let requestOptions: ReturnType<typeof buildRequestOptions> | undefined

/**
 * Per request, `options: { envPreference: { variable: 'PORT' } }` (what `envVar: 'PORT'` stands for).
 * Built on first use, not at import: every allocator has this plugin, and a cold `berth get` that
 * gives no options would otherwise pay for building a schema it never uses.
 */
export const envPreferenceRequestOptions = () => (requestOptions ??= buildRequestOptions())

/** The checked value of a request's `options.envPreference`. */
export type EnvPreferenceRequest = v.InferOutput<ReturnType<typeof buildRequestOptions>>

export interface EnvPreferenceOptions {
  /** The variable to read, for every request. @default the request's own (`envVar`, or `options.envPreference.variable`) */
  variable?: string
}

/**
 * A value `berth up` exported (BERTH_EXPORTS): for this project it is the port berth remembers,
 * so it is reported as remembered; for another project it is no preference at all, and ignored
 * with a note (`--verbose`). Returns undefined for a value that is the user's.
 */
async function berthsOwn(req: AllocationRequest, ctx: PluginContext, variable: string, value: string, port: number) {
  const exportedBy = exportedFor(ctx.env, variable, value)
  if (exportedBy === null) return undefined
  // Loaded only here: most environments carry no mark.
  const { findProjectRoot } = await import('../registry/project.ts')
  const here = await findProjectRoot(globalThis.process?.cwd() ?? '.', ctx.env).catch(() => null)
  if (here === exportedBy) return { port, remembered: true }
  const message = `ℹ️  [${req.serviceName}] Ignoring ${variable}=${value}: berth exported it for another project (${exportedBy}), so it is not a preference here`
  ctx.emit({ type: 'note', level: 'info', serviceName: req.serviceName, message })
  return null
}

/**
 * Tries the port named by an environment variable first (the spec's step 1).
 * A value that is not plain digits from 1 to 65535 is ignored with a warning that names
 * the variable and the value, and allocation falls back to the range.
 */
export function envPreference(options: EnvPreferenceOptions = {}): PortPlugin {
  return {
    name: 'envPreference',
    // Read only when a request gives options (core/plugin-options.ts).
    get options() {
      return envPreferenceRequestOptions()
    },
    preferred(req, ctx) {
      const variable = options.variable ?? optionsOf<EnvPreferenceRequest>(req, 'envPreference')?.variable
      if (!variable) return null
      // Own keys only: a variable called `constructor` is not Object's constructor.
      const value = Object.hasOwn(ctx.env, variable) ? ctx.env[variable] : undefined
      if (typeof value !== 'string') return null
      const port = parsePortText(value)
      if (port === null) {
        const message = invalidEnvLine(req.serviceName, variable, value, req.basePort)
        ctx.emit({ type: 'warning', level: 'warn', serviceName: req.serviceName, message })
        return null
      }
      // Synchronous unless the environment carries berth's own mark.
      return ctx.env.BERTH_EXPORTS ? berthsOwn(req, ctx, variable, value, port).then((own) => (own === undefined ? port : own)) : port
    },
  }
}
