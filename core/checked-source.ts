import { contractBroken, isPort, tagged } from './hook-errors.ts'
import type { PortPlugin } from './types.ts'

/**
 * More repeats than there are ports: a source that keeps yielding ports it already gave would
 * otherwise keep the walk waiting for a new one for ever.
 */
const MAX_REPEATS = 65536

/**
 * A plugin's candidate source, checked as it is read: every value a port, and not endlessly the
 * same ports again. Synchronous sources stay synchronous (no await per port).
 */
export function checkedSource(
  plugin: PortPlugin,
  source: Iterable<number> | AsyncIterable<number>,
): Iterable<number> | AsyncIterable<number> {
  const seen = new Set<number>()
  const check = (port: number) => {
    if (!isPort(port)) throw contractBroken(plugin, 'candidates', `yielded ${String(port)}, which is not a port from 1 to 65535`)
    if (seen.has(port)) {
      if (++repeats > MAX_REPEATS)
        throw contractBroken(
          plugin,
          'candidates',
          `yielded ports it had already given more than ${MAX_REPEATS} times (a source that never ends?)`,
        )
    } else seen.add(port)
    return port
  }
  let repeats = 0
  // A failure inside the plugin's own generator is the plugin's too.
  if (Symbol.iterator in source) {
    return (function* () {
      try {
        for (const port of source) yield check(port)
      } catch (error) {
        throw tagged(plugin, 'candidates', error)
      }
    })()
  }
  return (async function* () {
    try {
      for await (const port of source) yield check(port)
    } catch (error) {
      throw tagged(plugin, 'candidates', error)
    }
  })()
}
