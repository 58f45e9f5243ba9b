/** A registry that grows: an allocation reads only what it needs, and long-dormant leases are pruned by later claims. */
import { describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRegistry } from '../../registry/registry.ts'
import type { Owner } from '../../registry/owner.ts'
import { binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const DAY = 86_400_000
/** Above the kernel's pid_max: a pid that surely runs nowhere. */
const deadPid = (i: number) => Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1 + i

/** Rows written straight into the registry file, as an older run (or years of CI jobs) would have left them. */
function insertLeases(
  state: string,
  rows: Array<{ port: number; project: string; service: string; pid: number | null; at: number; until?: number }>,
) {
  const db = new Database(join(state, 'registry.sqlite'))
  const insert = db.prepare(
    'INSERT INTO leases (port, project, service, host, owner_pid, owner_start, lease_until, created_at, renewed_at) VALUES (?, ?, ?, NULL, ?, NULL, ?, ?, ?)',
  )
  db.transaction(() => rows.forEach((r) => insert.run(r.port, r.project, r.service, r.pid, r.until ?? null, r.at, r.at)))()
  // As the migration does for rows it finds: the last time each was known active (schema 2 on).
  const columns = db
    .query<{ name: string }, []>('PRAGMA table_info(leases)')
    .all()
    .map((c) => c.name)
  if (columns.includes('active_at')) db.exec('UPDATE leases SET active_at = max(renewed_at, coalesce(lease_until, 0))')
  db.close()
}

describe('an allocation in a big registry', () => {
  test('asks about the owners of the ports it looks at, not about the 20,000 other leases', async () => {
    const state = freshStateDir()
    const asked: number[] = []
    const registry = await createRegistry(state, {
      liveness: (owner: Owner) => {
        asked.push(owner.pid)
        return 'gone'
      },
    })
    const base = await freeRange(2)
    const claimWeb = () =>
      registry.claim({
        port: base,
        project: '/p',
        service: 'web',
        host: null,
        owner: { pid: 1, start: null },
        leaseUntil: null,
        replaceDormant: false,
      })
    expect(claimWeb()).toBe(true)
    const hour = Date.now() - 3_600_000
    insertLeases(
      state,
      Array.from({ length: 20_000 }, (_, i) => ({
        port: 20_000 + i + (20_000 + i >= base ? 2 : 0),
        project: `/tmp/ci-${i}`,
        service: 'web',
        pid: deadPid(i),
        at: hour,
      })),
    )
    asked.length = 0
    // What persist() does for one allocation: this service's lease (and its state, asked when
    // needed), each candidate's lease, the claim.
    const mine = registry.leaseOf('/p', 'web')
    expect(mine?.port).toBe(base)
    expect(mine?.state).toBe('dormant')
    expect(registry.leaseAt(base + 1)).toBeUndefined()
    expect(claimWeb()).toBe(true)
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.every((pid) => pid === 1)).toBe(true)
    registry.close()
  })
})

describe('pruning leases dormant past a limit', () => {
  function project() {
    const root = tempDir('berth-size')
    const state = freshStateDir()
    const run = (args: string[], env: Record<string, string> = {}) =>
      runCommand([binary(), ...args], { BERTH_STATE_DIR: state, ...env }, root)
    const leases = async () =>
      (JSON.parse((await run(['list', '--json'])).stdout) as Array<{ service: string }>).map((l) => l.service).sort()
    return { root, state, run, leases }
  }

  test('the next claim deletes leases dormant for 30 days, and keeps recent, timed and running ones', async () => {
    const p = project()
    const base = await freeRange(10)
    expect((await p.run(['get', 'first', '--base', String(base)])).code).toBe(0)
    const old = Date.now() - 31 * DAY
    insertLeases(p.state, [
      { port: base + 1, project: '/tmp/ci-1', service: 'stale', pid: deadPid(1), at: old },
      { port: base + 2, project: '/tmp/ci-2', service: 'recent', pid: deadPid(2), at: Date.now() - 29 * DAY },
      { port: base + 3, project: '/tmp/ci-3', service: 'running', pid: process.pid, at: old },
      { port: base + 4, project: '/tmp/ci-4', service: 'timed', pid: deadPid(4), at: old, until: Date.now() + DAY },
      { port: base + 5, project: '/tmp/ci-5', service: 'ownerless', pid: null, at: old },
    ])
    expect((await p.run(['get', 'next', '--base', String(base + 6)])).code).toBe(0)
    expect(await p.leases()).toEqual(['first', 'next', 'recent', 'running', 'timed'])
  })

  test('BERTH_PRUNE_AFTER sets the limit ("never" turns pruning off); a bad value is a usage error naming it', async () => {
    const p = project()
    const base = await freeRange(10)
    expect((await p.run(['get', 'first', '--base', String(base)])).code).toBe(0)
    insertLeases(p.state, [{ port: base + 1, project: '/tmp/ci-1', service: 'hours-old', pid: deadPid(1), at: Date.now() - 3 * 3_600_000 }])
    expect((await p.run(['get', 'a', '--base', String(base + 2)], { BERTH_PRUNE_AFTER: 'never' })).code).toBe(0)
    expect(await p.leases()).toEqual(['a', 'first', 'hours-old'])
    const bad = await p.run(['get', 'b', '--base', String(base + 2)], { BERTH_PRUNE_AFTER: '2 weeks' })
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toContain('BERTH_PRUNE_AFTER must be a duration such as 12h or 30d, or "never", got "2 weeks"')
    expect((await p.run(['get', 'c', '--base', String(base + 2)], { BERTH_PRUNE_AFTER: '2h' })).code).toBe(0)
    expect(await p.leases()).toEqual(['a', 'c', 'first'])
  })

  test('a lease whose owner still runs is never pruned; the dormant ones go, a window of leases per claim', async () => {
    const state = freshStateDir()
    const registry = await createRegistry(state, { pruneAfter: DAY })
    const base = await freeRange(40)
    const old = Date.now() - 2 * DAY
    const claim = (port: number, service: string) =>
      registry.claim({
        port,
        project: '/p',
        service,
        host: null,
        owner: { pid: process.pid, start: null },
        leaseUntil: null,
        replaceDormant: false,
      })
    claim(base, 'first')
    insertLeases(
      state,
      Array.from({ length: 30 }, (_, i) => ({
        port: base + 1 + i,
        project: '/old',
        service: `s${i}`,
        pid: i < 20 ? process.pid : deadPid(i),
        at: old,
      })),
    )
    // A window of leases per claim, from a random place: after enough claims every lease was looked at.
    for (let i = 0; i < 200; i++) claim(base + 35, 'again')
    const left = registry.list().filter((l) => l.project === '/old')
    expect(left.map((l) => l.service).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`).sort())
    expect(left.every((l) => l.state === 'active')).toBe(true)
    registry.close()
  })
})
