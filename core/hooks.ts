import { PortError, isPortError } from './errors.ts'
import type { AllocationRequest, AllocationResult, Deferral, PluginContext, PortPlugin, PreferredCandidate, SkipReason } from './types.ts'

type HookName = Exclude<keyof PortPlugin, 'name'>

/** A hook's failure with the plugin and hook names on it (rollup's PluginDriver does the same). */
function tagged(plugin: PortPlugin, hook: HookName, error: unknown): unknown {
  // A PortError already says what went wrong; anything else gets the plugin's name on it.
  if (isPortError(error)) return error
  const why = error instanceof Error ? error.message : String(error)
  return new PortError('E_PLUGIN', `[${plugin.name}] ${hook} failed: ${why}`, { cause: error, plugin: plugin.name, hook })
}

/** Runs one hook; any failure is tagged. */
async function call<T>(plugin: PortPlugin, hook: HookName, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    throw tagged(plugin, hook, error)
  }
}

/** Runs one hook without waiting for it: a synchronous failure is tagged, a promise is handed back as is. */
function callNow<T>(plugin: PortPlugin, hook: HookName, run: () => T): T {
  try {
    return run()
  } catch (error) {
    throw tagged(plugin, hook, error)
  }
}

type Verdict = SkipReason | Deferral | null

/** The hook runner: one small function per hook kind (see `PortPlugin` for the rules). */
export function createHookRunner(input: ReadonlyArray<PortPlugin | false | null | undefined>, ctx: PluginContext) {
  const plugins = input.filter((p): p is PortPlugin => Boolean(p))
  for (const plugin of plugins) {
    if (typeof plugin?.name !== 'string' || plugin.name === '') {
      throw new PortError('E_INVALID_OPTIONS', 'Every plugin needs a non-empty string "name"')
    }
  }
  const accepting = plugins.filter((p) => p.accept)
  let setup: Promise<void> | undefined

  return {
    plugins,
    setup(): Promise<void> {
      setup ??= (async () => {
        for (const p of plugins) if (p.setup) await call(p, 'setup', () => p.setup!(ctx))
      })()
      return setup
    },
    /** Every plugin's preference in plugin order, each as a `PreferredCandidate`. */
    async preferred(req: AllocationRequest): Promise<PreferredCandidate[]> {
      const found: PreferredCandidate[] = []
      for (const p of plugins) {
        if (!p.preferred) continue
        const answer = await call(p, 'preferred', () => p.preferred!(req, ctx))
        if (answer != null) found.push(typeof answer === 'number' ? { port: answer } : answer)
      }
      return found
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
     * A deferral is returned only on the first walk; when the deferred ports are retried it counts as acceptance.
     * Synchronous while every `accept` answers synchronously: an await per candidate cost as
     * much as checking it.
     */
    whyNotAccepted(port: number, req: AllocationRequest, retryingDeferred = false): Verdict | Promise<Verdict> {
      let deferral: Deferral | null = null
      /** The skip reason when `answer` settles it, else undefined: go on with the next plugin. */
      const judge = (p: PortPlugin, answer: boolean | SkipReason | Deferral): SkipReason | undefined => {
        if (answer === false) return `rejected by ${p.name}`
        if (typeof answer === 'string') return answer
        if (typeof answer === 'object' && answer !== null && !retryingDeferred) deferral ??= answer
        return undefined
      }
      const from = (first: number): Verdict | Promise<Verdict> => {
        for (let i = first; i < accepting.length; i++) {
          const p = accepting[i]!
          const answer = callNow(p, 'accept', () => p.accept!(port, req, ctx))
          if (answer instanceof Promise) return call(p, 'accept', () => answer).then((settled) => judge(p, settled) ?? from(i + 1))
          const reason = judge(p, answer)
          if (reason !== undefined) return reason
        }
        return deferral
      }
      return from(0)
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
    /** Undoes a claim of a failed batch: `rollback` where a plugin has it, else `released`; reverse order. */
    async rollback(port: number): Promise<void> {
      for (const p of [...plugins].reverse()) {
        if (p.rollback) await call(p, 'rollback', () => p.rollback!(port, ctx))
        else if (p.released) await call(p, 'released', () => p.released!(port, ctx))
      }
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

export type HookRunner = ReturnType<typeof createHookRunner>
