/** The flags `get` and `up` share beyond persistence: the exclusion policy's switches and plugin files. */
import { loadPluginFile } from '../core/project/plugin-file.ts'
import type { PortPlugin } from '../core/types.ts'
import { exclusions, type ExclusionOptions } from '../plugins/exclusions.ts'

export interface PolicyFlags {
  allowUnsafe?: boolean
  allowEphemeral?: boolean
  allowPrivileged?: boolean
  /** `--plugin FILE`, repeatable. */
  plugin?: unknown
}

/** Only the switches the user turned off; the rest keep the file's (or the default) setting. */
export function exclusionOverrides(flags: PolicyFlags): ExclusionOptions {
  return {
    ...(flags.allowUnsafe ? { browserUnsafe: false } : {}),
    ...(flags.allowEphemeral ? { ephemeral: false } : {}),
    ...(flags.allowPrivileged ? { privileged: false } : {}),
  }
}

export function policyPlugin(flags: PolicyFlags): PortPlugin {
  return exclusions(exclusionOverrides(flags))
}

/** Plugin files named on the command line, relative to the working directory. */
export async function pluginFiles(flags: PolicyFlags): Promise<PortPlugin[]> {
  if (flags.plugin === undefined) return []
  const files = (Array.isArray(flags.plugin) ? flags.plugin : [flags.plugin]).map(String)
  return Promise.all(files.map((file) => loadPluginFile(file, process.cwd())))
}
