/** The flags `get` and `up` share beyond persistence: the exclusion policy's switches and plugin files. */
import type { PortPlugin } from '../core/types.ts'
import { exclusions, type ExclusionOptions } from '../plugins/exclusions.ts'
import type { Io } from './io.ts'

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

/**
 * Plugin files named on the command line, relative to the working directory. Named by the user,
 * so another user's file may run (the other trust checks still apply), one after the other.
 */
export async function pluginFiles(flags: PolicyFlags, { env, cwd }: Pick<Io, 'env' | 'cwd'>): Promise<PortPlugin[]> {
  if (flags.plugin === undefined) return []
  const files = (Array.isArray(flags.plugin) ? flags.plugin : [flags.plugin]).map(String)
  // Loaded only when a file is named: a plain `berth get` never pays for the loader.
  const [{ loadPluginFile }, { registerSelfImports }] = await Promise.all([
    import('../project/plugin-file.ts'),
    import('./self-imports.ts'),
  ])
  registerSelfImports()
  const plugins: PortPlugin[] = []
  for (const file of files) plugins.push(await loadPluginFile(file, cwd, { explicit: true, env }))
  return plugins
}
