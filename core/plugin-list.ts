import { PortError } from './errors.ts'
import type { PortPlugin } from './types.ts'

/**
 * The plugins of one allocator: falsy entries dropped, each named, names unique (a plugin's
 * options are keyed by its name). A plugin named like one of `defaults` replaces it.
 */
export function pluginList(
  input: ReadonlyArray<PortPlugin | false | null | undefined>,
  defaults: readonly PortPlugin[] = [],
): PortPlugin[] {
  const given = input.filter((p): p is PortPlugin => Boolean(p))
  for (const plugin of given) {
    if (typeof plugin?.name !== 'string' || plugin.name === '') {
      throw new PortError('E_INVALID_OPTIONS', 'Every plugin needs a non-empty string "name"')
    }
  }
  const names = new Set<string>()
  for (const plugin of given) {
    if (names.has(plugin.name)) {
      throw new PortError(
        'E_INVALID_OPTIONS',
        `Two plugins are named ${JSON.stringify(plugin.name)}: each plugin of an allocator needs its own name (its options are kept under it)`,
      )
    }
    names.add(plugin.name)
  }
  return [...defaults.filter((d) => !names.has(d.name)), ...given]
}
