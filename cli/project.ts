/** `--project DIR`: the project root for this command, passed on as BERTH_PROJECT (see registry/project.ts). */
import { textArg } from './args.ts'

export interface ProjectFlag {
  project?: unknown
}

/** The environment the command runs with: `--project` wins over an inherited BERTH_PROJECT. */
export function projectEnv(flags: ProjectFlag, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const project = textArg('--project', flags.project)
  return project === undefined ? env : { ...env, BERTH_PROJECT: project }
}
