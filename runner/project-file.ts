/**
 * The project file `exec` uses, if any: the one named, else `berth.config.ts` or
 * `berth.config.json` at the project root, looked up as `loadProject` looks it up. Most services
 * started with `berth exec` have none, and then neither the project layer nor `node:path` loads.
 */
import { CONFIG_FILES, findProjectRoot, loadBuiltins, type LoadedProject, projectLayer } from './deps.ts'

type Env = Record<string, string | undefined>

/** Whether the project root of `cwd` has a project file. */
export async function hasProjectFile(cwd: string, env: Env): Promise<boolean> {
  const [root, { fs, path }] = await Promise.all([findProjectRoot(cwd, env), loadBuiltins()])
  return CONFIG_FILES.some((name) => fs.existsSync(path.join(root, name)))
}

/** The project file, loaded: `file` when named, none with `false`, else the project root's. */
export async function loadProjectFile(cwd: string, file: string | false | undefined, env: Env): Promise<LoadedProject | null> {
  if (file === false || (file === undefined && !(await hasProjectFile(cwd, env)))) return null
  return (await projectLayer()).loadProject(cwd, { file, env })
}
