/** Each drop-in against its original, on the original's own typical calls, in one run. */
import detectPortOriginal from 'detect-port'
import getPortOriginal, { clearLockedPorts as clearOriginal, portNumbers } from 'get-port'
import { getPort as gppOriginal } from 'get-port-please'
import portfinderOriginal from 'portfinder'
import { clearClaims } from '../index.ts'
import detectPortBerth from '../dropins/detect-port.ts'
import getPortBerth, { clearLockedPorts as clearBerth } from '../dropins/get-port.ts'
import { getPort as gppBerth } from '../dropins/get-port-please.ts'
import portfinderBerth from '../dropins/portfinder.ts'
import { freeRange, holdRange } from '../test/helpers/sockets.ts'
import { timeCalls } from './measure.ts'

type Find = (from: number) => Promise<number>
interface Pair {
  name: string
  original: Find
  berth: Find
  /** Busy ports in front of the answer for the second call (detect-port only looks ten ports ahead). */
  busy: number
}

const PAIRS: Pair[] = [
  {
    name: 'get-port',
    original: (from) => getPortOriginal({ port: portNumbers(from, from + 100) }),
    berth: (from) => getPortBerth({ port: portNumbers(from, from + 100) }),
    busy: 20,
  },
  {
    name: 'portfinder',
    original: (from) => portfinderOriginal.getPortPromise({ port: from, stopPort: from + 100 }),
    berth: (from) => portfinderBerth.getPortPromise({ port: from, stopPort: from + 100 }),
    busy: 20,
  },
  { name: 'detect-port', original: (from) => detectPortOriginal(from), berth: (from) => detectPortBerth(from), busy: 5 },
  {
    name: 'get-port-please',
    original: (from) => gppOriginal({ port: from, portRange: [from + 1, from + 100] }),
    berth: (from) => gppBerth({ port: from, portRange: [from + 1, from + 100] }),
    busy: 20,
  },
]

/** Between rounds every lock and claim is dropped, so each round asks for the same port again. */
const reset = () => {
  clearOriginal()
  clearBerth()
  clearClaims()
}

export async function dropins(rounds = 100): Promise<string[][]> {
  const rows: string[][] = []
  for (const pair of PAIRS) {
    const base = await freeRange(101)
    const free = [await timeCalls(rounds, () => pair.original(base), reset), await timeCalls(rounds, () => pair.berth(base), reset)]
    const held = await holdRange(pair.busy)
    try {
      const busy = [
        await timeCalls(rounds / 5, () => pair.original(held.from), reset),
        await timeCalls(rounds / 5, () => pair.berth(held.from), reset),
      ]
      rows.push([
        pair.name,
        free[0]!.toFixed(3),
        free[1]!.toFixed(3),
        `${(free[1]! / free[0]!).toFixed(2)}x`,
        String(pair.busy),
        busy[0]!.toFixed(3),
        busy[1]!.toFixed(3),
        `${(busy[1]! / busy[0]!).toFixed(2)}x`,
      ])
    } finally {
      await held.close()
    }
  }
  return rows
}
