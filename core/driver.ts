import { PortError, isPortError } from './errors.ts'
import type { AllocationRequest, AllocationResult, Deferral, PluginContext, PortPlugin, SkipReason } from './types.ts'

type HookName = Exclude<keyof PortPlugin, 'name'>

/** Runs one hook and tags any failure with the plugin and hook names (rollup's PluginDriver does the same). */
async function call<T>(plugin: PortPlugin, hook: HookName, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    // A PortError already says what went wrong; anything else gets the plugin's name on it.
    if (isPortError(error)) throw error
    const why = error instanceof Error ? error.message : String(error)
    throw new PortError('E_PLUGIN', `[${plugin.name}] ${hook} failed: ${why}`, { cause: error, plugin: plugin.name, hook })
  }
}

/** The hook runners, one small function per hook kind (see `PortPlugin` for the rules). */
export function createDriver(input: ReadonlyArray<PortPlugin | false | null | undefined>, ctx: PluginContext) {
  const plugins = input.filter((p): p is PortPlugin => Boolean(p))
  for (const plugin of plugins) {
    if (typeof plugin?.name !== 'string' || plugin.name === '') {
      throw new PortError('E_INVALID_OPTIONS', 'Every plugin needs a non-empty string "name"')
    }
  }
  let setup: Promise<void> | undefined

  return {
    plugins,
    setup(): Promise<void> {
      setup ??= (async () => {
        for (const p of plugins) if (p.setup) await call(p, 'setup', () => p.setup!(ctx))
      })()
      return setup
    },
    async preferred(req: AllocationRequest): Promise<number[]> {
      const ports: number[] = []
      for (const p of plugins) {
        if (!p.preferred) continue
        const port = await call(p, 'preferred', () => p.preferred!(req, ctx))
        if (port != null) ports.push(port)
      }
      return ports
    },
    async candidates(req: AllocationRequest): Promise<Iterable<number> | AsyncIterable<number> | null> {
      for (const p of plugins) {
        if (!p.candidates) continue
        const source = await call(p, 'candidates', () => p.candidates!(req, ctx))
        if (source != null) return source
      }
      return null
    },
    async order<T extends { priority?: number }>(requests: readonly T[]): Promise<T[]> {
      for (const p of plugins) {
        if (!p.order) continue
        const ordered = await call(p, 'order', () => p.order!(requests, ctx))
        if (ordered != null) return ordered
      }
      return [...requests]
    },
    /**
     * Returns the first skip reason a plugin gives, or null when every plugin accepts.
     * A deferral is returned only on the first pass; on the last pass it counts as acceptance.
     */
    async rejects(port: number, req: AllocationRequest, lastPass = false): Promise<SkipReason | Deferral | null> {
      let deferral: Deferral | null = null
      for (const p of plugins) {
        if (!p.accept) continue
        const verdict = await call(p, 'accept', () => p.accept!(port, req, ctx))
        if (verdict === false) return `rejected by ${p.name}`
        if (typeof verdict === 'string') return verdict
        if (typeof verdict === 'object' && verdict !== null && !lastPass) deferral ??= verdict
      }
      return deferral
    },
    async claim(port: number, req: AllocationRequest): Promise<boolean> {
      for (const p of plugins) {
        if (p.claim && !(await call(p, 'claim', () => p.claim!(port, req, ctx)))) return false
      }
      return true
    },
    async allocated(result: AllocationResult): Promise<void> {
      for (const p of plugins) if (p.allocated) await call(p, 'allocated', () => p.allocated!(result, ctx))
    },
    async released(port: number): Promise<void> {
      for (const p of [...plugins].reverse()) if (p.released) await call(p, 'released', () => p.released!(port, ctx))
    },
    /** Reverse order; every dispose runs even when an earlier one failed. */
    async dispose(): Promise<void> {
      const errors: unknown[] = []
      for (const p of [...plugins].reverse()) {
        if (!p.dispose) continue
        try {
          await call(p, 'dispose', () => p.dispose!(ctx))
        } catch (error) {
          errors.push(error)
        }
      }
      if (errors.length === 1) throw errors[0]
      if (errors.length > 1) throw new PortError('E_PLUGIN', `${errors.length} plugins failed to dispose`, { cause: errors })
    },
  }
}

export type Driver = ReturnType<typeof createDriver>
