/**
 * BERTH_EXPORTS marks what `berth up` exported: `PORT=5002,API_PORT=3001@/home/me/a` (the port
 * variables and their values, then the project root). After `eval "$(berth up --format shell)"`
 * in project A, a value A's berth set is not a user's preference in project B: the environment
 * preference ignores it there (see plugins/env.ts). A value changed since (`PORT=6000`) no
 * longer matches the mark and is the user's again.
 */
export const MARKER = 'BERTH_EXPORTS'

/** The mark for `vars` (the exported port variables among `exports`) of the project at `root`. */
export function exportMarker(root: string, vars: readonly string[], exports: Readonly<Record<string, string>>): Record<string, string> {
  const pairs = vars.filter((name) => exports[name] !== undefined).map((name) => `${name}=${exports[name]}`)
  return pairs.length === 0 ? {} : { [MARKER]: `${pairs.join(',')}@${root}` }
}

/** The project berth exported `variable=value` for, or null when the value is not berth's. */
export function exportedFor(env: Readonly<Record<string, string | undefined>>, variable: string, value: string): string | null {
  const mark = env[MARKER]
  const at = mark?.indexOf('@') ?? -1
  if (!mark || at < 0) return null
  return mark.slice(0, at).split(',').includes(`${variable}=${value}`) ? mark.slice(at + 1) : null
}
