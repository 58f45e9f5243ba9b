/**
 * Leases of several users in one shared registry. Each user's services are their own: alice's
 * `web` and bob's `web` in the same checkout are two services with two ports. So in a shared
 * registry the project key a lease is stored under carries its user (`uid=1000:/srv/app`), and
 * reads split it off again. Project roots are absolute paths, so a key starting with `uid=` is
 * never a plain project. Private registries store plain projects, as before: every lease there
 * is the user's own.
 */
const SCOPED = /^uid=(\d+):(.*)$/s

export const currentUid = (): number | null => globalThis.process?.geteuid?.() ?? null

/** The key a project is stored under: with the user in a shared registry. */
export function scopeProject(project: string, shared: boolean, uid = currentUid()): string {
  return shared && uid !== null ? `uid=${uid}:${project}` : project
}

/** The project and its user (null: a private registry's lease, the user's own). */
export function splitProject(stored: string): { project: string; uid: number | null } {
  const match = SCOPED.exec(stored)
  return match ? { project: match[2]!, uid: Number(match[1]) } : { project: stored, uid: null }
}

/**
 * Whether this process may forget a lease: its own, or a private registry's (all the user's),
 * or any as root. Other users' leases in a shared registry are theirs to release.
 */
export function mayRemove(uid: number | null, me = currentUid()): boolean {
  return uid === null || me === null || me === 0 || uid === me
}

/** A lease this user made (every lease of a private registry). */
export const isOwnLease = (lease: { uid: number | null }, me = currentUid()): boolean => lease.uid === null || lease.uid === me
