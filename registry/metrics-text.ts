/**
 * The stored metrics as Prometheus text format 0.0.4 (`# HELP`, `# TYPE`, one sample a line, a
 * final newline), and as JSON. The lease gauge is counted from the lease table when rendered.
 */
import type { LeaseState } from './lease.ts'
import { FAMILIES, PROBE_BUCKETS, type Family } from './metric-families.ts'
import type { Labels, Sample } from './metrics.ts'

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface FamilySamples extends Family {
  samples: Sample[]
}

/**
 * Every bucket of each label set, in `le` order: storage adds only to the buckets an observation
 * reached, so the ones below every observation so far are written as 0.
 */
function allBuckets(name: string, stored: readonly Sample[]): Sample[] {
  const groups = new Map<string, Labels>()
  for (const s of stored) {
    const { le: _le, ...rest } = s.labels
    groups.set(JSON.stringify(rest), rest)
  }
  return [...groups.values()].flatMap((rest) =>
    [...PROBE_BUCKETS, '+Inf'].map((le) => {
      const found = stored.find((s) => s.labels.le === le && Object.entries(rest).every(([k, v]) => s.labels[k] === v))
      return { name, labels: { ...rest, le }, value: found?.value ?? 0 }
    }),
  )
}

/** Every family in a fixed order with its samples; histograms keep buckets in `le` order before `_sum` and `_count`. */
export function collect(stored: readonly Sample[], leases: ReadonlyArray<{ state: LeaseState }>): FamilySamples[] {
  return Object.values(FAMILIES).map((family): FamilySamples => {
    if (family.name === FAMILIES.leases.name) {
      const states: LeaseState[] = ['active', 'dormant']
      return {
        ...family,
        samples: states.map((state) => ({ name: family.name, labels: { state }, value: leases.filter((l) => l.state === state).length })),
      }
    }
    if (family.type !== 'histogram') return { ...family, samples: stored.filter((s) => s.name === family.name) }
    const part = (suffix: string) => stored.filter((s) => s.name === `${family.name}${suffix}`)
    const buckets = allBuckets(`${family.name}_bucket`, part('_bucket'))
    return { ...family, samples: [...buckets, ...part('_sum'), ...part('_count')] }
  })
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return Number.isNaN(value) ? 'NaN' : String(value)
}

function sampleLine({ name, labels, value }: Sample): string {
  // `le` last, as client libraries write it.
  const entries = Object.entries(labels).sort(([a], [b]) => (a === 'le' ? 1 : b === 'le' ? -1 : a < b ? -1 : 1))
  const text = entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
  return `${name}${text} ${formatValue(value)}`
}

export function renderText(families: readonly FamilySamples[]): string {
  const lines: string[] = []
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`)
    for (const sample of family.samples) lines.push(sampleLine(sample))
  }
  return `${lines.join('\n')}\n`
}

/** `--json`: the same families, each sample as `{ name, labels, value }` (Infinity never appears in values). */
export const renderJson = (families: readonly FamilySamples[]) => `${JSON.stringify(families)}\n`
