/** What the registry's size costs: `berth get` and `berth list` with 30,000 leases against an empty registry. */
import { Database } from 'bun:sqlite'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeRange } from '../test/helpers/sockets.ts'
import { timeSpawn, timeSpawnsInTurn } from './measure.ts'

const stateDir = () => join(mkdtempSync(join(tmpdir(), 'berth-bench-')), 'state')

/**
 * Fills a registry with `count` dormant leases, each of its own project and its own owner.
 * The owners' pids lie above the kernel's pid_max, so none of them runs; the leases were
 * renewed an hour ago, well inside the pruning limit, so they stay for the whole run.
 */
function fill(dir: string, count: number, skip: { from: number; to: number }): void {
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'))
  const db = new Database(join(dir, 'registry.sqlite'))
  const insert = db.prepare(
    'INSERT INTO leases (port, project, service, host, owner_pid, owner_start, lease_until, created_at, renewed_at) VALUES (?, ?, ?, NULL, ?, ?, NULL, ?, ?)',
  )
  const hourAgo = Date.now() - 3_600_000
  db.transaction(() => {
    for (let i = 0, port = 1024; i < count; port++) {
      if (port >= skip.from && port <= skip.to) continue
      insert.run(port, `/tmp/checkout-${i}`, 'web', pidMax + 1 + i, `boot/${i}`, hourAgo, hourAgo)
      i++
    }
  })()
  // Schema 2 on: the last time each lease was known active, as the migration sets it.
  const columns = db
    .query<{ name: string }, []>('PRAGMA table_info(leases)')
    .all()
    .map((c) => c.name)
  if (columns.includes('active_at')) db.exec('UPDATE leases SET active_at = renewed_at WHERE active_at IS NULL')
  db.close()
}

export interface SizeFigures {
  getEmpty: number
  getFull: number
  listEmpty: number
  listFull: number
}

/** Medians of cold `berth get` (sticky, the same service each round) and `berth list --json`, the registries taking turns. */
export async function registrySize(berth: string, count = 30_000, rounds = 40): Promise<SizeFigures> {
  const base = await freeRange(101)
  const empty = stateDir()
  const full = stateDir()
  const get = [berth, 'get', 'bench', '--base', String(base), '-q']
  // The first call creates each registry (and runs its migrations) outside the timing.
  timeSpawn(1, get, { BERTH_STATE_DIR: empty })
  timeSpawn(1, get, { BERTH_STATE_DIR: full })
  fill(full, count, { from: base, to: base + 100 })
  const envs = [{ BERTH_STATE_DIR: empty }, { BERTH_STATE_DIR: full }]
  const [getEmpty, getFull] = timeSpawnsInTurn(rounds, [get, get], envs)
  const list = [berth, 'list', '--json']
  const [listEmpty, listFull] = timeSpawnsInTurn(Math.ceil(rounds / 4), [list, list], envs)
  return { getEmpty: getEmpty!, getFull: getFull!, listEmpty: listEmpty!, listFull: listFull! }
}

if (import.meta.main) {
  const figures = await registrySize(join(import.meta.dir, '..', 'dist', 'berth'), Number(process.argv[2] ?? 30_000))
  console.log(
    JSON.stringify(figures),
    `get ${(figures.getFull / figures.getEmpty).toFixed(2)}x`,
    `list ${(figures.listFull / figures.listEmpty).toFixed(2)}x`,
  )
}
