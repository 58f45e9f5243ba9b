/**
 * berth against another checkout of berth, scenarios 1-3 of the benchmark (bench/peers.ts, berth
 * only): before and after a change to the allocator. Each round runs both in fresh processes, in turn and in
 * alternating order, so a change in the machine's load hits both alike; the table gives medians,
 * ranges and the per-round ratio. Usage: `bun bench/compare.ts BEFORE_CHECKOUT [rounds]`.
 */
import { join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { median, table, timeCalls } from './measure.ts'

interface Figures {
  preferredFree: number
  pastBusy: number
  concurrent: number
}

/** In a child process: the three scenarios against the checkout at `root`, as one JSON line. */
async function measure(root: string): Promise<Figures> {
  const { allocatePort, clearClaims } = await import(join(root, 'index.ts'))
  // The socket helpers come from the checkout measured, so both sides share modules alike: helpers
  // of one checkout beside the allocator of another made identical code look apart (README, Benchmark).
  const own = join(root, 'test/helpers/sockets.ts')
  const { freeRange, holdRange } = await import(existsSync(own) ? own : '../test/helpers/sockets.ts')
  const find = async (from: number, to: number): Promise<number> =>
    (await allocatePort({ basePort: from, maxPort: to, serviceName: 'bench', logger: null })).port
  const expect = (port: number, wanted: number) => {
    if (port !== wanted) throw new Error(`got ${port}, expected ${wanted}`)
  }
  const base = await freeRange(101)
  await timeCalls(100, async () => expect(await find(base, base + 100), base), clearClaims)
  const rounds: number[] = []
  for (let i = 0; i < 10; i++) rounds.push(await timeCalls(20, async () => expect(await find(base, base + 100), base), clearClaims))
  const busy = await holdRange(200)
  let pastBusy: number
  try {
    pastBusy = await timeCalls(20, async () => expect(await find(busy.from, busy.from + 999), busy.from + 200), clearClaims)
  } finally {
    await busy.close()
  }
  const from = await freeRange(1)
  const concurrent = await timeCalls(
    5,
    async () => {
      const ports = await Promise.all(Array.from({ length: 50 }, () => find(from, Math.min(from + 400, 65535))))
      if (new Set(ports).size !== 50) throw new Error('two callers got the same port')
    },
    clearClaims,
  )
  return { preferredFree: median(rounds), pastBusy, concurrent }
}

/**
 * One child's figures. A child that fails is run once more: on a shared machine another process
 * may take a port between `freeRange` finding it and the scenario using it.
 */
function inChild(root: string, tries = 2): Figures {
  const ran = Bun.spawnSync([process.execPath, import.meta.path, '--child', root], { stderr: 'inherit' })
  if (ran.exitCode === 0) return JSON.parse(ran.stdout.toString())
  if (tries > 1) return inChild(root, tries - 1)
  throw new Error(`measuring ${root} exited ${ran.exitCode}`)
}

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await measure(process.argv[3]!)))
} else {
  const before = process.argv[2]
  if (!before) throw new Error('usage: bun bench/compare.ts BEFORE_CHECKOUT [rounds]')
  const after = resolve(import.meta.dir, '..')
  const rounds = Number(process.argv[3] ?? 10)
  const runs: Record<'before' | 'after', Figures[]> = { before: [], after: [] }
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
      runs[which].push(inChild(which === 'before' ? resolve(before) : after))
    }
  }
  const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2))
  const spread = (values: number[]) => `${fmt(median(values))} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`
  const ratio = (values: number[]) => `${median(values).toFixed(2)}x (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}x)`
  const rows = (
    [
      ['1. preferred port free, ms per call', 'preferredFree'],
      ['2. past 200 busy ports, ms per call', 'pastBusy'],
      ['3. 50 concurrent callers, ms for all', 'concurrent'],
    ] as const
  ).map(([name, key]) => {
    const b = runs.before.map((f) => f[key])
    const a = runs.after.map((f) => f[key])
    return [name, spread(b), spread(a), ratio(a.map((x, k) => x / b[k]!))]
  })
  console.log(
    table(
      `berth before (${before}) and after (this checkout), ${rounds} rounds in turn; median (range)`,
      ['scenario', 'before', 'after', 'after / before, per round'],
      rows,
    ),
  )
}
