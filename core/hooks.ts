/** The hook runner: one runner per hook kind, and each hook of `PortPlugin` on top of one of them. */
import { checkedSource } from './checked-source.ts'
import { PortError } from './errors.ts'
import { call, callNow, contractBroken, type HookName, isPort } from './hook-errors.ts'
import type { AllocationRequest, AllocationResult, Deferral, PluginContext, PortPlugin, PreferredCandidate, SkipReason } from './types.ts'

type Verdict = SkipReason | Deferral | null

/** The hook runner: one runner per hook kind (see `PortPlugin` for the rules), and each hook on top of one of them. */
export function createHookRunner(plugins: readonly PortPlugin[], ctx: PluginContext) {
  const accepting = plugins.filter((p) => p.accept)
  const reversed = [...plugins].reverse()
  let setup: Promise<void> | undefined

  /** First non-null wins. */
  async function firstAnswer<T>(
    hook: HookName,
    run: (p: PortPlugin) => T | null | undefined | Promise<T | null | undefined>,
  ): Promise<{ plugin: PortPlugin; answer: T } | null> {
    for (const p of plugins) {
      if (!p[hook]) continue
      const answer = await call(p, hook, () => run(p))
      if (answer != null) return { plugin: p, answer }
    }
    return null
  }

  /** In order; `until` stops at the first answer it accepts (a refusal). */
  async function inOrder<T>(hook: HookName, run: (p: PortPlugin) => T | Promise<T>, until?: (answer: T) => boolean): Promise<T[]> {
    const answers: T[] = []
    for (const p of plugins) {
      if (!p[hook]) continue
      const answer = await call(p, hook, () => run(p))
      answers.push(answer)
      if (until?.(answer)) break
    }
    return answers
  }

  /** Reverse order. `always`: every plugin runs even after one failed; the failures are thrown after. */
  async function inReverse(
    hook: HookName,
    run: (p: PortPlugin) => unknown,
    always = false,
    has = (p: PortPlugin) => Boolean(p[hook]),
  ): Promise<void> {
    const errors: unknown[] = []
    for (const p of reversed) {
      if (!has(p)) continue
      try {
        await call(p, hook, () => run(p))
      } catch (error) {
        if (!always) throw error
        errors.push(error)
      }
    }
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1)
      throw new PortError('E_PLUGIN', `${errors.length} plugins failed to ${hook}: ${errors.map((e) => (e as Error).message).join('; ')}`, {
        cause: errors,
      })
  }

  return {
    plugins,
    setup(): Promise<void> {
      setup ??= inOrder('setup', (p) => p.setup!(ctx)).then(() => undefined)
      return setup
    },
    /** Every plugin's preference in plugin order, each as a `PreferredCandidate`. */
    async preferred(req: AllocationRequest): Promise<PreferredCandidate[]> {
      const found: PreferredCandidate[] = []
      for (const p of plugins) {
        if (!p.preferred) continue
        const answer = await call(p, 'preferred', () => p.preferred!(req, ctx))
        if (answer == null) continue
        const wish = typeof answer === 'number' ? { port: answer } : answer
        if (!isPort(wish.port)) throw contractBroken(p, 'preferred', `answered ${String(wish.port)}, which is not a port from 1 to 65535`)
        found.push(wish)
      }
      return found
    },
    /** The first source a plugin gives, read through a check that names the plugin when it breaks the contract. */
    async candidates(req: AllocationRequest): Promise<Iterable<number> | AsyncIterable<number> | null> {
      const found = await firstAnswer('candidates', (p) => p.candidates!(req, ctx))
      return found && checkedSource(found.plugin, found.answer)
    },
    /** The requests in the first order a plugin gives; that answer must hold the same requests, each once. */
    async order(requests: readonly AllocationRequest[]): Promise<readonly AllocationRequest[]> {
      const found = await firstAnswer('order', (p) => p.order!(requests, ctx))
      if (!found) return requests
      const { plugin, answer } = found
      const same =
        Array.isArray(answer) &&
        answer.length === requests.length &&
        new Set(answer).size === answer.length &&
        answer.every((r) => requests.includes(r))
      if (!same) throw contractBroken(plugin, 'order', `it must return the ${requests.length} requests it was given, each once, reordered`)
      return answer
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
    /** True when every plugin's claim succeeded; the first `false` settles it. */
    async claim(port: number, req: AllocationRequest, result: AllocationResult): Promise<boolean> {
      const answers = await inOrder(
        'claim',
        (p) => p.claim!(port, req, ctx, result),
        (won) => !won,
      )
      return answers.every(Boolean)
    },
    allocated: (result: AllocationResult) => inOrder('allocated', (p) => p.allocated!(result, ctx)).then(() => undefined),
    released: (port: number) => inReverse('released', (p) => p.released!(port, ctx)),
    /** Undoes a claim of a failed batch: `rollback` where a plugin has it, else `released`; reverse order. */
    rollback: (port: number) =>
      inReverse(
        'rollback',
        (p) => (p.rollback ? p.rollback(port, ctx) : p.released!(port, ctx)),
        false,
        (p) => Boolean(p.rollback ?? p.released),
      ),
    /** Reverse order; every dispose runs even when an earlier one failed. */
    dispose: () => inReverse('dispose', (p) => p.dispose!(ctx), true),
  }
}

export type HookRunner = ReturnType<typeof createHookRunner>
