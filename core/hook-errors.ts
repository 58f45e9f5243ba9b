/** How a plugin's failure is reported: an `E_PLUGIN` error naming the plugin and the hook. */
import { isPortError, PortError } from './errors.ts'
import type { PortPlugin } from './types.ts'

export type HookName = Exclude<keyof PortPlugin, 'name' | 'options'>

/** A hook's failure with the plugin and hook names on it (rollup's PluginDriver does the same). */
export function tagged(plugin: PortPlugin, hook: HookName, error: unknown): unknown {
  // A PortError already says what went wrong; anything else gets the plugin's name on it.
  if (isPortError(error)) return error
  const why = error instanceof Error ? error.message : String(error)
  return new PortError('E_PLUGIN', `[${plugin.name}] ${hook} failed: ${why}`, { cause: error, plugin: plugin.name, hook })
}

/** A hook that answered something the contract does not allow: an error naming the plugin and the hook. */
export const contractBroken = (plugin: PortPlugin, hook: HookName, what: string) =>
  new PortError('E_PLUGIN', `[${plugin.name}] ${hook} failed: ${what}`, { plugin: plugin.name, hook })

/** Runs one hook; any failure is tagged. */
export async function call<T>(plugin: PortPlugin, hook: HookName, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw tagged(plugin, hook, error)
  }
}

/** Runs one hook without waiting for it: a synchronous failure is tagged, a promise is handed back as is. */
export function callNow<T>(plugin: PortPlugin, hook: HookName, run: () => T): T {
  try {
    return run()
  } catch (error) {
    throw tagged(plugin, hook, error)
  }
}

export const isPort = (port: unknown): port is number => Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535
