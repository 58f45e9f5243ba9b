/**
 * Scenarios 1-3 of the benchmark: berth beside get-port, portfinder, detect-port and
 * get-port-please, each asked for a port in the same process (preferred port free, past a busy
 * block, concurrent callers). Real sockets on loopback only.
 */
import detectPort from 'detect-port'
import getPort, { clearLockedPorts, portNumbers } from 'get-port'
import { getPort as getPortPlease } from 'get-port-please'
import portfinder from 'portfinder'
import { allocatePort, clearClaims } from '../index.ts'
import { freeRange, holdRange } from '../test/helpers/sockets.ts'
import { median, timeCalls } from './measure.ts'

interface Peer {
  name: string
  /** Finds a port from `from`, staying inside `from..to` if the tool can. */
  find(from: number, to: number): Promise<number>
  /** Forgets in-process state between rounds (locks, claims). */
  reset?(): void
}

const PEERS: Peer[] = [
  {
    name: 'berth',
    find: async (from, to) => (await allocatePort({ basePort: from, maxPort: to, serviceName: 'bench', logger: null })).port,
    reset: clearClaims,
  },
  { name: 'get-port', find: (from, to) => getPort({ port: portNumbers(from, to) }), reset: clearLockedPorts },
  { name: 'portfinder', find: (from, to) => portfinder.getPortPromise({ port: from, stopPort: to }) },
  { name: 'detect-port', find: (from) => detectPort(from) },
  { name: 'get-port-please', find: (from, to) => getPortPlease({ port: from, portRange: [from, to], random: false }) },
]

/** 1. The preferred port is free: ms per call, and whether each tool answered it. */
export async function preferredFree() {
  const base = await freeRange(101)
  const samples = new Map(PEERS.map((peer) => [peer.name, [] as number[]]))
  const right = new Map(PEERS.map((peer) => [peer.name, true]))
  // The same untimed warm-up for every tool, then rounds in turn: measured one after the other,
  // a tool measured last found node:net already compiled by the three before it (berth does not use it).
  for (const peer of PEERS) await timeCalls(100, () => peer.find(base, base + 100), peer.reset)
  for (let round = 0; round < 10; round++) {
    for (const peer of PEERS) {
      const ms = await timeCalls(
        20,
        async () => {
          if ((await peer.find(base, base + 100)) !== base) right.set(peer.name, false)
        },
        peer.reset,
      )
      samples.get(peer.name)!.push(ms)
    }
  }
  return PEERS.map((peer): [string, number, boolean] => [peer.name, median(samples.get(peer.name)!), right.get(peer.name)!])
}

/** 2. The first free port past 200 busy ones: ms per call, and whether the answer is that port. */
export async function pastBusy() {
  const busy = await holdRange(200)
  const to = busy.from + 999
  const rows: Array<[string, number, boolean]> = []
  try {
    for (const peer of PEERS) {
      let inRange = true
      const ms = await timeCalls(
        20,
        async () => {
          const port = await peer.find(busy.from, to)
          inRange &&= port === busy.from + 200
        },
        peer.reset,
      )
      rows.push([peer.name, ms, inRange])
    }
  } finally {
    await busy.close()
  }
  return rows
}

/** 3. 50 callers at once in one process: ms for all of them, and how many distinct ports they got. */
export async function concurrent() {
  const base = await freeRange(1)
  const rows: Array<[string, number, number]> = []
  for (const peer of PEERS) {
    let distinct = 0
    const ms = await timeCalls(
      5,
      async () => {
        const ports = await Promise.all(Array.from({ length: 50 }, () => peer.find(base, Math.min(base + 400, 65535))))
        distinct = new Set(ports).size
      },
      peer.reset,
    )
    rows.push([peer.name, ms, distinct])
  }
  return rows
}
