/** Loads a plugin from a file (`--plugin ./my-strategy.ts`, or `plugins` in the project file). */
import { PortError } from '../errors.ts'
import type { PortPlugin } from '../types.ts'

/**
 * The file's default export is a plugin object, or a factory called with no arguments.
 * TypeScript files load under Bun and Deno (and in the compiled binary); Node needs JavaScript.
 */
export async function loadPluginFile(file: string, baseDir: string): Promise<PortPlugin> {
  const [{ resolve }, { pathToFileURL }] = await Promise.all([import('node:path'), import('node:url')])
  const path = resolve(baseDir, file)
  let exported: unknown
  try {
    exported = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default
  } catch (error) {
    throw new PortError('E_PLUGIN', `Cannot load the plugin file ${path}: ${(error as Error).message}`, { cause: error })
  }
  const plugin = typeof exported === 'function' ? await (exported as () => unknown)() : exported
  if (!plugin || typeof plugin !== 'object' || typeof (plugin as PortPlugin).name !== 'string') {
    throw new PortError('E_PLUGIN', `The plugin file ${path} must export by default a plugin ({ name, ...hooks }) or a function that returns one`)
  }
  return plugin as PortPlugin
}
