/** Finds and loads the project file: `berth.config.ts` or `berth.config.json` at the project root. */
import { PortError } from '../errors.ts'
import { CONFIG_FILES, findProjectRoot } from '../state/project.ts'
import type { PortPlugin } from '../types.ts'
import { loadPluginFile } from './plugin-file.ts'
import { parseConfig, type ProjectConfig } from './schema.ts'

export interface LoadedProject {
  file: string
  /** The folder of the file: the project root, and the base of relative plugin paths. */
  root: string
  config: ProjectConfig
  /** The plugins the file names, loaded. */
  plugins: PortPlugin[]
}

/** The project file for `cwd` (or BERTH_PROJECT's folder, see `findProjectRoot`), or null when the project has none. */
export async function loadProject(cwd: string, env?: Readonly<Record<string, string | undefined>>): Promise<LoadedProject | null> {
  const [fs, { join }] = await Promise.all([import('node:fs/promises'), import('node:path')])
  const root = await findProjectRoot(cwd, env)
  for (const name of CONFIG_FILES) {
    const file = join(root, name)
    let raw: unknown
    if (name.endsWith('.json')) {
      const text = await fs.readFile(file, 'utf8').catch(() => null)
      if (text === null) continue
      try {
        raw = JSON.parse(text)
      } catch (error) {
        throw new PortError('E_INVALID_OPTIONS', `${file} is not valid JSON: ${(error as Error).message}`)
      }
    } else {
      if (!(await fs.stat(file).catch(() => null))) continue
      const { pathToFileURL } = await import('node:url')
      raw = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default
    }
    const config = parseConfig(raw, file)
    const plugins = []
    for (const plugin of config.plugins ?? []) plugins.push(await loadPluginFile(plugin, root))
    return { file, root, config, plugins }
  }
  return null
}
