/**
 * Metrics stored in the registry: counters and histogram buckets as rows (sample name, labels,
 * value), added to inside the write transactions that change leases, so the counts of many
 * short CLI runs add up. A histogram is stored cumulatively: each observation adds 1 to every
 * bucket at or above it, and to `_count`; its value goes to `_sum`.
 */
import { PortError } from '../core/errors.ts'
import type { SqlDatabase } from './sqlite.ts'
import { COUNTER_KEYS, FAMILIES, LABEL_NAMES, PROBE_BUCKETS, type FamilyKey } from './metric-families.ts'

export type Labels = Readonly<Record<string, string>>

/** One addition to one stored sample. */
export interface Increment {
  /** The sample's name: a counter's family name, or a histogram's `_bucket`, `_sum`, `_count`. */
  name: string
  labels: Labels
  by: number
}

export interface Sample {
  name: string
  labels: Labels
  value: number
}

/** Labels as stored: sorted keys, so the same labels always make the same row. Empty values are left out. */
export function labelKey(labels: Labels): string {
  const sorted: Record<string, string> = {}
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name]
    if (!LABEL_NAMES.has(name))
      throw new PortError('E_INVALID_OPTIONS', `Metric label ${JSON.stringify(name)} is not one of ${[...LABEL_NAMES].join(', ')}`)
    if (typeof value !== 'string')
      throw new PortError('E_INVALID_OPTIONS', `Metric label ${name} must be a string, got ${JSON.stringify(value)}`)
    if (value !== '') sorted[name] = value
  }
  return JSON.stringify(sorted)
}

/** `countEvent`'s check: a counter's short name (`conflict_restarts`) or full name (`berth_conflict_restarts_total`). */
export function counterName(name: string): string {
  const key = COUNTER_KEYS.find((k) => k === name || FAMILIES[k].name === name)
  if (!key) throw new PortError('E_INVALID_OPTIONS', `Unknown metric ${JSON.stringify(name)}: counters are ${COUNTER_KEYS.join(', ')}`)
  return FAMILIES[key].name
}

export const count = (key: FamilyKey, labels: Labels, by = 1): Increment => ({ name: FAMILIES[key].name, labels, by })

/**
 * One observation of a histogram, as the increments that store it. Plain loops here and in
 * allocation-metrics.ts: they run once in a cold `berth get`, where an array helper's first use
 * costs more than the work (README, "Behind the code's choices").
 */
export function observe(key: FamilyKey, labels: Labels, value: number, buckets: readonly string[] = PROBE_BUCKETS): Increment[] {
  const { name } = FAMILIES[key]
  const increments: Increment[] = []
  for (const le of buckets) if (value <= Number(le)) increments.push({ name: `${name}_bucket`, labels: { ...labels, le }, by: 1 })
  increments.push(
    { name: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, by: 1 },
    { name: `${name}_sum`, labels, by: value },
    { name: `${name}_count`, labels, by: 1 },
  )
  return increments
}

/** Adds the increments; the caller holds the write transaction. */
export function addIncrements(d: SqlDatabase, increments: readonly Increment[]): void {
  if (increments.length === 0) return
  const rows: Array<[string, string, number]> = []
  for (const { name, labels, by } of increments) {
    if (!Number.isFinite(by) || by < 0) throw new PortError('E_INVALID_OPTIONS', `Metric ${name} can only grow, got an increment of ${by}`)
    rows.push([name, labelKey(labels), by])
  }
  // One statement for them all (an allocation adds a dozen samples), read back by SQLite's json_each.
  d.run(
    'INSERT INTO metrics (name, labels, value) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true ON CONFLICT (name, labels) DO UPDATE SET value = value + excluded.value',
    JSON.stringify(rows),
  )
}

/** Every stored sample, by name then labels. A row berth did not write (bad JSON) is left out. */
export function readSamples(d: SqlDatabase): Sample[] {
  return d
    .all<{ name: string; labels: string; value: number }>('SELECT name, labels, value FROM metrics ORDER BY name, labels')
    .flatMap((row) => {
      try {
        return [{ name: row.name, labels: JSON.parse(row.labels) as Labels, value: row.value }]
      } catch {
        return []
      }
    })
}
