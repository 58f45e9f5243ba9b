// berth beside get-port, portfinder, detect-port and get-port-please, in one run.
// Run with `npm run bench` (builds dist/ first). Real sockets on loopback only.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { table } from './measure.ts'
import { coldStart } from './cold-start.ts'
import { buildFloor } from './floor-build.ts'
import { concurrent, pastBusy, preferredFree } from './peers.ts'
import { coldPersist, crossProcess, persistCost } from './persist.ts'
import { registrySize } from './registry.ts'
import { mainAgainstWorkers, scanPeakMemory } from './scan.ts'
import { dropins } from './dropins.ts'
import { runnerFigures } from './runner.ts'

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2))
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`

const root = join(import.meta.dir, '..')
// Leases made by the benchmark go to a throwaway registry, never the user's.
process.env.BERTH_STATE_DIR = join(mkdtempSync(join(tmpdir(), 'berth-bench-')), 'state')
const floorBinary = buildFloor()
console.log(`berth benchmark: ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}, ${process.platform}; median wall time`)

const best = (rows: Array<[string, number, unknown]>, ok: (r: [string, number, unknown]) => boolean) =>
  Math.min(...rows.filter((r) => r[0] !== 'berth' && ok(r)).map((r) => r[1]))

const one = await preferredFree()
const b1 = one.find((r) => r[0] === 'berth')![1]
console.log(
  table(
    '1. preferred port free (ms per call; median of 10 rounds of 20 calls, the tools taking turns)',
    ['tool', 'ms', 'right port', 'berth / this'],
    one.map(([n, ms, ok]) => [n, fmt(ms), String(ok), ratio(b1, ms)]),
  ),
)
console.log(
  `berth / fastest peer: ${ratio(
    b1,
    best(one, () => true),
  )}`,
)

const two = await pastBusy()
const b2 = two.find((r) => r[0] === 'berth')![1]
console.log(
  table(
    '2. first free port past 200 busy, range of 1000 (ms per call)',
    ['tool', 'ms', 'answer inside range and right', 'berth / this'],
    two.map(([n, ms, ok]) => [n, fmt(ms), String(ok), ratio(b2, ms)]),
  ),
)
console.log(
  `berth / best peer that stays inside the range: ${ratio(
    b2,
    best(two, (r) => r[2] === true),
  )}`,
)

const three = await concurrent()
const b3 = three.find((r) => r[0] === 'berth')![1]
console.log(
  table(
    '3. 50 concurrent callers in one process (ms for all 50)',
    ['tool', 'ms', 'distinct ports', 'berth / this'],
    three.map(([n, ms, d]) => [n, fmt(ms), String(d), ratio(b3, ms)]),
  ),
)

const four = await coldStart(root)
const floor = four.at(-1)![1]
console.log(
  table(
    '4. cold start (ms per process; median of 60 rounds, the commands in turn)',
    ['command', 'ms', 'this / floor'],
    four.map(([n, ms]) => [n, fmt(ms), ratio(ms, floor)]),
  ),
)

const five = await coldPersist(join(root, 'dist/berth'), floorBinary)
console.log(
  table(
    '5. cold berth get with the lease registry (ms per process)',
    ['command', 'ms', 'this / --no-persist'],
    five.map(([n, ms]) => [n, fmt(ms), ratio(ms, five[1]![1])]),
  ),
)
console.log(`${persistCost(five)}\n`)

const six = [
  ['registry (default)', await crossProcess(join(root, 'dist/berth'), [])],
  ['--no-persist', await crossProcess(join(root, 'dist/berth'), ['--no-persist'])],
] as const
console.log(
  table(
    '6. 32 processes x 4 berth get at once (wall time of the whole run)',
    ['mode', 'ms', 'distinct ports of 128'],
    six.map(([n, r]) => [n, fmt(r.ms), `${r.distinct} of ${r.total}`]),
  ),
)

const full = await mainAgainstWorkers(1024, 65535, 5)
const threads = Math.max(1, navigator.hardwareConcurrency - 1)
console.log(
  table(
    '7. scan 1024-65535: workers against the main thread (ms, median of 5, workers started cold each time)',
    ['where', 'ms', 'main / this'],
    [
      ['main thread', fmt(full.main), '1.00x'],
      [`workers (main thread + ${threads} tinypool worker${threads === 1 ? '' : 's'})`, fmt(full.workers), ratio(full.main, full.workers)],
    ],
  ),
)

const sizes = [1024, 4096, 8192, 12288, 16384]
const crossover = []
for (const size of sizes) crossover.push([size, await mainAgainstWorkers(20000, 20000 + size - 1, 5)] as const)
console.log(
  table(
    '8. where the workers start to pay (ms per scan of N ports from 20000)',
    ['ports', 'main', 'workers', 'main / workers'],
    crossover.map(([size, r]) => [String(size), fmt(r.main), fmt(r.workers), ratio(r.main, r.workers)]),
  ),
)

const memory = await scanPeakMemory(join(root, 'dist/berth'))
console.log(`\n### 9. dist/berth scan 1024-65535: ${fmt(memory.ms)} ms wall, peak RSS ${memory.peakMiB.toFixed(1)} MiB`)

console.log(
  table(
    '10. each drop-in against its original (ms per call)',
    [
      'package',
      'original, free',
      'berth/, free',
      'berth / original',
      'busy in front',
      'original, past busy',
      'berth/, past busy',
      'berth / original',
    ],
    await dropins(),
  ),
)

const size = await registrySize(join(root, 'dist/berth'))
console.log(
  table(
    "11. the registry's size: 30,000 dormant leases of distinct owners against an empty registry (ms per process; median, the registries in turn)",
    ['command', 'empty', '30,000 leases', '30,000 / empty'],
    [
      ['berth get (sticky)', fmt(size.getEmpty), fmt(size.getFull), ratio(size.getFull, size.getEmpty)],
      ['berth list --json', fmt(size.listEmpty), fmt(size.listFull), ratio(size.listFull, size.listEmpty)],
    ],
  ),
)

console.log(`\n### 12. berth exec\n${(await runnerFigures(join(root, 'dist/berth'), floorBinary)).join('\n')}`)
