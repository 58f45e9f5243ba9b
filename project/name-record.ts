/**
 * A valibot record keyed by the user's names (services, pools, groups, environments, exports).
 * valibot's own `record` drops the keys `__proto__`, `constructor` and `prototype` without a word
 * (its guard against prototype pollution), so a service called `constructor` vanished from a plan.
 * This one keeps every own key and builds a null-prototype object, where no name can reach
 * `Object.prototype`, and it bounds how many entries a file may list.
 */
import * as v from 'valibot'

type Dataset = { value: unknown; typed?: boolean; issues?: v.BaseIssue<unknown>[] }
type Runnable = { '~run'(dataset: Dataset, config: v.Config<v.BaseIssue<unknown>>): Dataset }

export function nameRecord<K extends v.GenericSchema<string, string>, V extends v.GenericSchema>(
  key: K,
  value: V,
  most: number,
  what: string,
) {
  const schema = v.record(key, value)
  const run = (schema as unknown as Runnable)['~run'].bind(schema)
  ;(schema as unknown as Runnable)['~run'] = (dataset, config) => {
    const input = dataset.value
    if (!input || typeof input !== 'object') return run(dataset, config)
    const names = Object.keys(input)
    const issues: v.BaseIssue<unknown>[] = []
    const output: Record<string, unknown> = Object.create(null)
    const pathOf = (name: string, origin: 'key' | 'value') =>
      ({ type: 'object', origin, input, key: name, value: (input as Record<string, unknown>)[name] }) as unknown as v.IssuePathItem
    if (names.length > most) {
      issues.push({
        kind: 'validation',
        type: 'max_entries',
        input: names.length,
        expected: `<=${most}`,
        received: String(names.length),
        message: `expected at most ${most} ${what}`,
      } as v.BaseIssue<unknown>)
    }
    for (const name of issues.length > 0 ? [] : names) {
      const entry = (input as Record<string, unknown>)[name]
      const keyRun = (key as unknown as Runnable)['~run']({ value: name }, config)
      const valueRun = (value as unknown as Runnable)['~run']({ value: entry }, config)
      for (const issue of keyRun.issues ?? []) issues.push({ ...issue, path: [pathOf(name, 'key')] } as v.BaseIssue<unknown>)
      for (const issue of valueRun.issues ?? [])
        issues.push({ ...issue, path: [pathOf(name, 'value'), ...(issue.path ?? [])] } as v.BaseIssue<unknown>)
      output[name] = valueRun.value
    }
    if (issues.length > 0) return { value: input, typed: false, issues: [...(dataset.issues ?? []), ...issues] }
    return { value: output, typed: true }
  }
  return schema
}
