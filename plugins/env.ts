import { invalidEnvLine } from '../core/messages.ts'
import type { PortPlugin } from '../core/types.ts'
import { parsePortText } from '../core/validate.ts'

export interface EnvPreferenceOptions {
  /** The variable to read. @default the request's `envVar` */
  variable?: string
}

/**
 * Tries the port named by an environment variable first (the spec's step 1).
 * A value that is not plain digits from 1 to 65535 is ignored with a warning that names
 * the variable and the value, and allocation falls back to the range.
 */
export function envPreference(options: EnvPreferenceOptions = {}): PortPlugin {
  return {
    name: 'envPreference',
    preferred(req, ctx) {
      const variable = options.variable ?? req.envVar
      if (!variable) return null
      // Own keys only: a variable called `constructor` is not Object's constructor.
      const value = Object.hasOwn(ctx.env, variable) ? ctx.env[variable] : undefined
      if (typeof value !== 'string') return null
      const port = parsePortText(value)
      if (port === null) {
        const message = invalidEnvLine(req.serviceName, variable, value, req.basePort)
        ctx.emit({ type: 'warning', level: 'warn', serviceName: req.serviceName, message })
      }
      return port
    },
  }
}
