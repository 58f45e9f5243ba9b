import { afterEach, describe, expect, test } from 'bun:test'
import { clearClaims, isClaimed, releaseClaim, tryClaim } from '../../core/claims.ts'
import type { ProbeEngine } from '../../core/engine.ts'
import type { AllocationRequest, SkipReason } from '../../core/types.ts'
import { createWalk, type Progress } from '../../core/walk.ts'
import { checkPort, probeHosts } from '../../probe/check.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'

const held: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await closeAll(held)
  clearClaims()
})

/** The two shapes of engine the walk must serve, over real sockets; each records the ports it probed. */
function engines() {
  const stopsEarly = { probed: [] as number[] }
  const answersAll = { probed: [] as number[] }
  const early: ProbeEngine = {
    // In order, stopping at the first free port it could claim (as the raw binder does).
    async check(ports, hosts, how = {}) {
      const results = []
      for (const port of ports) {
        stopsEarly.probed.push(port)
        const r = await checkPort(port, hosts)
        results.push(r)
        if (how.untilFree && r.free && (!how.claimNow || how.claimNow(port))) break
      }
      return results
    },
  }
  const all: ProbeEngine = {
    // Every port in parallel, never claiming (as the portable bind does).
    async check(ports, hosts) {
      answersAll.probed.push(...ports)
      return Promise.all(ports.map((port) => checkPort(port, hosts)))
    },
  }
  return [
    { name: 'an engine that stops at the first free port', engine: early, log: stopsEarly },
    { name: 'an engine that answers every port', engine: all, log: answersAll },
  ]
}

/** Only what the walk reads of a request. */
const request = () => ({ serviceName: 'walk', host: undefined, hosts: probeHosts(undefined) }) as unknown as AllocationRequest
const progressOf = (req: AllocationRequest): Progress => ({
  req,
  skipped: [],
  attempts: 0,
  preferredPort: 0,
  deferred: [],
  vouchers: new Map(),
  probeSeconds: [],
})

/** The allocator's claim without plugins: `refuse` plays a plugin that says another process won. */
const claimWith =
  (refuse: Set<number>) =>
  async (port: number, _progress: Progress, claimedNow = false): Promise<SkipReason | null> => {
    if (!claimedNow && !tryClaim(port)) return 'claimed'
    if (!refuse.has(port)) return null
    releaseClaim(port)
    return 'raced'
  }

async function* once(batch: number[]) {
  yield batch
}

describe('the walk over one batch', () => {
  for (const { name, engine, log } of engines()) {
    test(`${name}: the first port in candidate order that can be claimed, each port probed at most once`, async () => {
      const base = await freeRange(6)
      held.push(await hold('127.0.0.1', base), await hold('127.0.0.1', base + 2))
      // base + 1 is free, but the claim is refused (another process won it): the walk goes on.
      const walk = createWalk({ engine, skipReason: () => null, claim: claimWith(new Set([base + 1])) })
      const progress = progressOf(request())
      const batch = [base, base + 1, base + 2, base + 3, base + 4, base + 5]
      expect(await walk.firstFree(once(batch), progress, false)).toBe(base + 3)
      expect(progress.attempts).toBe(4)
      expect(progress.skipped).toEqual([
        { port: base, reason: 'in-use', host: '::' },
        { port: base + 1, reason: 'raced' },
        { port: base + 2, reason: 'in-use', host: '::' },
      ])
      expect(new Set(log.probed).size).toBe(log.probed.length)
      expect(isClaimed(base + 3)).toBe(true)
      expect(isClaimed(base + 1)).toBe(false)
    })

    test(`${name}: a port another caller claims after the filters ran is "claimed" and never probed`, async () => {
      const base = await freeRange(3)
      // The filters let every port through; by the time the probes start, base + 1 is another caller's.
      const skipReason = (port: number) => {
        if (port === base + 2) tryClaim(base + 1)
        return null
      }
      const walk = createWalk({ engine, skipReason, claim: claimWith(new Set([base])) })
      const progress = progressOf(request())
      expect(await walk.firstFree(once([base, base + 1, base + 2]), progress, false)).toBe(base + 2)
      expect(progress.skipped).toEqual([
        { port: base, reason: 'raced' },
        { port: base + 1, reason: 'claimed' },
      ])
      expect(log.probed).not.toContain(base + 1)
    })
  }

  test('the first candidate alone (tryFirst) gives the verdicts a batch gives: filtered, deferred, busy, free', async () => {
    const base = await freeRange(4)
    held.push(await hold('127.0.0.1', base + 2))
    const skipReason = (port: number) => (port === base ? 'excluded' : port === base + 1 ? { defer: 'unwanted' as SkipReason } : null)
    const { engine } = engines()[0]!
    const walk = createWalk({ engine, skipReason, claim: claimWith(new Set()) })
    const alone = progressOf(request())
    for (const port of [base, base + 1, base + 2]) expect(await walk.tryFirst(port, alone)).toBeNull()
    expect(await walk.tryFirst(base + 3, alone)).toBe(base + 3)
    releaseClaim(base + 3)
    const batched = progressOf(request())
    expect(await walk.firstFree(once([base, base + 1, base + 2, base + 3]), batched, false)).toBe(base + 3)
    // The same verdicts and counts; only how long the checks took differs (one round each alone, one for the batch).
    expect({ ...alone, probeSeconds: [] }).toEqual({ ...batched, probeSeconds: [] })
    expect(alone.probeSeconds).toHaveLength(2)
    expect(alone.deferred).toEqual([base + 1])
  })
})
