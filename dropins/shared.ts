/**
 * What the four drop-ins share: berth's probe (a port held on either address family is busy),
 * the in-process claim, and, behind one switch, the cross-process lease registry.
 * Hosts reach these functions already resolved (see node-compat.ts): an IP literal or `localhost`.
 */
import { kernelPort } from '../probe/bind.ts'
import { releaseClaim, tryClaim } from '../core/claims.ts'
import { type ClaimLifetime, claimed } from './answers.ts'
import { checkPort, probeHosts } from '../probe/check.ts'
import { resolveStateDir } from '../registry/dir.ts'
import { ownerOf } from '../registry/owner.ts'
import { findProjectRoot } from '../registry/project.ts'
import { createRegistry } from '../registry/registry.ts'
import type { PersistOptions } from '../plugins/persist.ts'

let persistence: Pick<PersistOptions, 'stateDir' | 'project'> | null | undefined

/**
 * Routes every drop-in through the lease registry (`true` or persist options), so several
 * processes using them never get the same port; `false` turns it off. Without a call,
 * the environment decides: `BERTH_PERSIST=1`.
 */
export function setPersistence(value: boolean | Pick<PersistOptions, 'stateDir' | 'project'>): void {
  persistence = value === true ? {} : value === false ? null : value
}

/** True when the cross-process switch is on: every claim also becomes a lease. */
export const persisting = (): boolean => persistenceOptions() !== null

function persistenceOptions() {
  if (persistence !== undefined) return persistence
  const flag = globalThis.process?.env.BERTH_PERSIST
  return flag === '1' || flag === 'true' ? {} : null
}

/** True when a server could listen on `port` now: on `host` and its wildcard, or on every address. */
export async function isFree(port: number, host?: string): Promise<boolean> {
  return (await checkPort(port, probeHosts(host || undefined))).free
}

/** Old drop-in leases are swept once per process, not on every claim (each sweep is a write). */
let swept = false

/** Records a lease for `port`, owned by this process; false when another process holds it. */
async function leaseAcrossProcesses(
  pkg: string,
  port: number,
  host: string | undefined,
  options: Pick<PersistOptions, 'stateDir' | 'project'>,
) {
  const env = globalThis.process?.env ?? {}
  const registry = await createRegistry(await resolveStateDir(options.stateDir, env))
  try {
    const pid = globalThis.process?.pid ?? 0
    // Drop-ins ask for no stickiness: one lease per port and process, and dormant ones are anyone's.
    // The same process may lease its port again (the in-process claim already decided that).
    if (!swept) registry.remove((lease) => lease.state === 'dormant' && lease.service.startsWith('drop-in:'))
    swept = true
    return registry.claim({
      port,
      project: options.project ?? (await findProjectRoot(globalThis.process?.cwd() ?? '.')),
      service: `drop-in:${pkg}:${pid}:${port}`,
      host: host ?? null,
      owner: ownerOf(pid),
      leaseUntil: null,
      replaceDormant: true,
    })
  } finally {
    registry.close()
  }
}

/** Claims `port` if it is free: in this process always, across processes when persistence is on. */
export async function takeIfFree(pkg: string, port: number, host?: string, lifetime: ClaimLifetime = 'locked'): Promise<boolean> {
  if (!tryClaim(port)) return false
  try {
    const options = persistenceOptions()
    const taken = (await isFree(port, host)) && (!options || (await leaseAcrossProcesses(pkg, port, host, options)))
    if (!taken) releaseClaim(port)
    else claimed(port, lifetime)
    return taken
  } catch (error) {
    releaseClaim(port)
    throw error
  }
}

/** A port the kernel picks, then claimed like any other; retried when someone else got it first. */
export async function takeRandom(
  pkg: string,
  host?: string,
  skip: (port: number) => boolean = () => false,
  lifetime: ClaimLifetime = 'locked',
): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = await kernelPort(host && host !== 'localhost' ? host : '::')
    if (!skip(port) && (await takeIfFree(pkg, port, host, lifetime))) return port
  }
  throw new Error(`No free random port found${host ? ` on ${host}` : ''} after 50 tries`)
}

export { releaseClaim as release }
