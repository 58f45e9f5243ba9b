/**
 * A plugin wrapped so the suite sees its hooks run: each call is counted, and what the answering
 * hooks (`preferred`, `candidates`, `order`) answered is kept, so the suite can tell a hook that
 * ran and was used from one that never ran or always answered nothing.
 */
import type { PortPlugin } from '../core/types.ts'

export type HookName = Exclude<keyof PortPlugin, 'name' | 'options'>

export const HOOKS: readonly HookName[] = [
  'setup',
  'preferred',
  'candidates',
  'order',
  'accept',
  'claim',
  'allocated',
  'released',
  'rollback',
  'dispose',
]

export interface Record {
  /** Calls per hook. */
  calls: Map<HookName, number>
  /** Hooks that answered something other than null or undefined at least once. */
  answered: Set<HookName>
  /** Every port the plugin's candidate sources yielded, and every port it preferred. */
  offered: Set<number>
}

function* recordSync(ports: Iterable<number>, offered: Set<number>): Generator<number> {
  for (const port of ports) {
    offered.add(port)
    yield port
  }
}

async function* recordAsync(ports: AsyncIterable<number>, offered: Set<number>): AsyncGenerator<number> {
  for await (const port of ports) {
    offered.add(port)
    yield port
  }
}

/** The plugin with every hook it has recorded into `record`; the same name and options. */
export function recorded(plugin: PortPlugin, record: Record): PortPlugin {
  const wrapped: PortPlugin = { name: plugin.name, ...(plugin.options ? { options: plugin.options } : {}) }
  for (const hook of HOOKS) {
    const original = plugin[hook] as ((...args: unknown[]) => unknown) | undefined
    if (typeof original !== 'function') continue
    const run = (...args: unknown[]) => {
      record.calls.set(hook, (record.calls.get(hook) ?? 0) + 1)
      const answer = original.apply(plugin, args)
      const note = (value: unknown) => {
        if (value == null) return value
        record.answered.add(hook)
        if (hook === 'preferred') record.offered.add(typeof value === 'number' ? value : (value as { port: number }).port)
        if (hook === 'candidates') {
          const source = value as Iterable<number> | AsyncIterable<number>
          return Symbol.iterator in source ? recordSync(source, record.offered) : recordAsync(source, record.offered)
        }
        return value
      }
      // Synchronous answers stay synchronous (the allocator reads `accept` without awaiting).
      return answer instanceof Promise ? answer.then(note) : note(answer)
    }
    ;(wrapped as unknown as { [key: string]: unknown })[hook] = run
  }
  return wrapped
}

export const newRecord = (): Record => ({ calls: new Map(), answered: new Set(), offered: new Set() })
