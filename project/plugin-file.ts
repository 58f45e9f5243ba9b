/** Loads a plugin from a file (`--plugin ./my-strategy.ts`, or `plugins` in the project file). */
import { PortError, isPortError } from '../core/errors.ts'
import type { PortPlugin } from '../core/types.ts'
import { cleanMessage, importFile, loadTimeoutOf, withDeadline, type LoadFileOptions } from './import-file.ts'

/**
 * The file's default export is a plugin object, or a factory called with no arguments.
 * TypeScript files load under Bun and Deno (and in the compiled binary); Node needs JavaScript.
 * Only a trusted file runs (project/trust.ts); loading it and calling its factory share one deadline.
 */
export async function loadPluginFile(file: string, baseDir: string, options: LoadFileOptions = {}): Promise<PortPlugin> {
  const { resolve } = await import('node:path')
  const path = resolve(baseDir, file)
  const started = Date.now()
  const exported = await importFile(path, 'plugin file', options)
  const left = Math.max(1, loadTimeoutOf(options) - (Date.now() - started))
  let plugin = exported
  if (typeof exported === 'function') {
    try {
      plugin = await withDeadline(
        Promise.resolve().then(() => (exported as () => unknown)()),
        left,
        path,
        'The factory of the plugin file',
      )
    } catch (error) {
      if (isPortError(error)) throw error
      throw new PortError('E_INVALID_OPTIONS', `The factory of the plugin file ${path} failed: ${cleanMessage(error)}`, { cause: error })
    }
  }
  if (!plugin || typeof plugin !== 'object' || typeof (plugin as PortPlugin).name !== 'string') {
    throw new PortError(
      'E_INVALID_OPTIONS',
      `The plugin file ${path} must export by default a plugin ({ name, ...hooks }) or a function that returns one`,
    )
  }
  return plugin as PortPlugin
}
