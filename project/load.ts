/** Finds and loads the project file: `berth.config.ts` or `berth.config.json` at the project root, or the one named. */
import { PortError } from '../core/errors.ts'
import { CONFIG_FILES, findProjectRoot } from '../registry/project.ts'
import type { PortPlugin } from '../core/types.ts'
import { cleanMessage, importFile, type LoadFileOptions } from './import-file.ts'
import { loadPluginFile } from './plugin-file.ts'
import { LIMITS, parseConfig, type ProjectConfig } from './schema.ts'

export interface LoadedProject {
  file: string
  /** The folder of the file: the project root, and the base of relative plugin paths. */
  root: string
  config: ProjectConfig
  /** The plugins the file names, loaded. */
  plugins: PortPlugin[]
}

export interface LoadProjectOptions extends Omit<LoadFileOptions, 'explicit'> {
  /** The project file itself (`--config FILE`): named by the user, so it may be another user's. Its folder is the root. */
  file?: string
}

/** A JSON project file is data: read whoever owns it, bounded in size, errors naming the file. */
async function readJson(file: string): Promise<unknown> {
  const { readFile, stat } = await import('node:fs/promises')
  const size = (await stat(file)).size
  if (size > LIMITS.fileBytes)
    throw new PortError('E_INVALID_OPTIONS', `${file} is ${size} bytes; a project file may have at most ${LIMITS.fileBytes}`)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new PortError('E_INVALID_OPTIONS', `Cannot read the project file ${file}: ${cleanMessage(error)}`, { cause: error })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new PortError('E_INVALID_OPTIONS', `${file} is not valid JSON: ${(error as Error).message}`)
  }
}

async function loadFile(file: string, root: string, explicit: boolean, options: LoadProjectOptions): Promise<LoadedProject> {
  const raw = file.endsWith('.json') ? await readJson(file) : await importFile(file, 'project file', { ...options, explicit })
  const config = parseConfig(raw, file)
  const plugins: PortPlugin[] = []
  // Listed in a file, not on the command line: each plugin file passes the trust checks on its own.
  for (const plugin of config.plugins ?? []) plugins.push(await loadPluginFile(plugin, root, { ...options, explicit: false }))
  return { file, root, config, plugins }
}

/** The project file for `cwd` (or `options.file`), or null when the project has none. */
export async function loadProject(cwd: string, options: LoadProjectOptions = {}): Promise<LoadedProject | null> {
  const [{ existsSync, realpathSync }, { dirname, join, resolve }] = await Promise.all([import('node:fs'), import('node:path')])
  if (options.file !== undefined) {
    const given = resolve(cwd, options.file)
    if (!existsSync(given)) throw new PortError('E_INVALID_OPTIONS', `The project file ${given} does not exist`)
    // The real path, as findProjectRoot gives it, so leases are the same however the file is named.
    const file = realpathSync(given)
    if (!/\.(json|[cm]?[jt]s)$/.test(file)) throw new PortError('E_INVALID_OPTIONS', `The project file ${file} must be .json, .ts or .js`)
    return loadFile(file, dirname(file), true, options)
  }
  const root = await findProjectRoot(cwd, options.env)
  for (const name of CONFIG_FILES) {
    const file = join(root, name)
    if (existsSync(file)) return loadFile(file, root, false, options)
  }
  return null
}
