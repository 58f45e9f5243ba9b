/**
 * The plugins' own per-request options: each plugin that declares an `options` schema checks the
 * value given under its name; the core checks nothing else about them. A name no plugin has is
 * refused (a typo, or a plugin that is not loaded), never silently ignored.
 */
import { PortError } from './errors.ts'
import type { AllocationRequest, OptionsSchema, PortPlugin } from './types.ts'

/** One problem with one plugin's options: where (`['hash', 'seed']`), what, and the value found there. */
export interface OptionsProblem {
  path: string[]
  message: string
  value: unknown
}

const keyOf = (item: PropertyKey | { readonly key: PropertyKey }) => String(typeof item === 'object' ? item.key : item)

/** The value at `path` inside `value`, for the message ("got …"). */
function valueAt(value: unknown, path: readonly string[]): unknown {
  let at = value
  for (const key of path)
    at = at !== null && typeof at === 'object' && Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined
  return at
}

/**
 * Checks `given` (a request's `options`) against the plugins' schemas. Returns the checked
 * options (each schema's output) or the problems, each with its key path from the plugin's name.
 */
export function checkPluginOptions(
  given: unknown,
  plugins: readonly PortPlugin[],
): { options: Record<string, unknown> } | { problems: OptionsProblem[] } {
  if (given === undefined) return { options: {} }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    return { problems: [{ path: [], message: "expected an object of each plugin's options under its name", value: given }] }
  }
  const byName = new Map(plugins.map((p) => [p.name, p]))
  const options: Record<string, unknown> = Object.create(null)
  const problems: OptionsProblem[] = []
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue
    const plugin = byName.get(name)
    if (!plugin) {
      const loaded = plugins.filter((p) => p.options).map((p) => p.name)
      problems.push({
        path: [name],
        message: `no plugin named ${JSON.stringify(name)} is loaded (plugins with options: ${loaded.join(', ') || 'none'})`,
        value,
      })
      continue
    }
    if (!plugin.options) {
      problems.push({ path: [name], message: `the plugin ${name} takes no per-request options`, value })
      continue
    }
    const result = validate(plugin.options, plugin.name, value)
    if (result.issues) {
      for (const issue of result.issues) {
        const path = (issue.path ?? []).map(keyOf)
        problems.push({ path: [name, ...path], message: issue.message, value: valueAt(value, path) })
      }
    } else options[name] = result.value
  }
  return problems.length > 0 ? { problems } : { options }
}

function validate(schema: OptionsSchema, name: string, value: unknown) {
  const standard = schema?.['~standard']
  if (typeof standard?.validate !== 'function') {
    throw new PortError(
      'E_PLUGIN',
      `[${name}] options must be a Standard Schema (such as valibot's v.object({ … })), got ${String(schema)}`,
      { plugin: name, hook: 'options' },
    )
  }
  const result = standard.validate(value)
  if (result instanceof Promise) {
    throw new PortError('E_PLUGIN', `[${name}] options: the schema must validate synchronously (no async checks)`, {
      plugin: name,
      hook: 'options',
    })
  }
  return result
}

const show = (value: unknown) => (typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value)))

/** One problem as a line: `options.hash.seed: Invalid type: Expected number but received "x", got "x"`. */
export const problemLine = (prefix: string, problem: OptionsProblem) =>
  `${[prefix, ...problem.path].join('.')}: ${problem.message}, got ${show(problem.value)}`

/** The checked options of a request, or `E_INVALID_OPTIONS` naming each bad key and value. */
export function resolvePluginOptions(given: unknown, plugins: readonly PortPlugin[]): Record<string, unknown> {
  const checked = checkPluginOptions(given, plugins)
  if ('options' in checked) return checked.options
  throw new PortError('E_INVALID_OPTIONS', checked.problems.map((p) => problemLine('options', p)).join('; '))
}

/**
 * A plugin's own options from a request, typed by its schema: `optionsOf(req, 'hash', HashOptions)`.
 * `undefined` when the request gave none for it. The schema is only for the type: the options
 * were checked when the request was.
 */
export function optionsOf<Output>(req: AllocationRequest, name: string, _schema?: OptionsSchema<Output>): Output | undefined {
  return req.options[name] as Output | undefined
}
