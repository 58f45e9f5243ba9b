/** User names for the uids of a shared registry's leases, from /etc/passwd (the number where there is none). */
import { readFileSync } from 'node:fs'

let names: Map<number, string> | undefined

function load(): Map<number, string> {
  const found = new Map<number, string>()
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':')
      if (name && uid && /^\d+$/.test(uid) && !found.has(Number(uid))) found.set(Number(uid), name)
    }
  } catch {
    // No /etc/passwd (or another system): numbers it is.
  }
  return found
}

export function userName(uid: number | null): string {
  if (uid === null) return '-'
  names ??= load()
  return names.get(uid) ?? String(uid)
}
