/**
 * The open plugin contract: the candidate rule, plugins' own per-request options (checked by
 * their schemas, reaching their hooks), unique plugin names, and `order` free of any one
 * plugin's data. A probe that calls every port free, so only the rules decide.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import * as v from 'valibot'
import { allocateMultiplePorts, clearClaims, createAllocator, definePlugin, optionsOf, type PortPlugin } from '../../index.ts'

const allFree = async (port: number) => ({ port, free: true })
afterEach(() => clearClaims())

/** A random-in-range strategy: one port of the range, picked at random, then the rest. */
const randomInRange = (pick: (from: number, to: number) => number): PortPlugin => ({
  name: 'random',
  *candidates(req) {
    const first = pick(req.basePort, req.maxPort)
    yield first
    for (let port = req.basePort; port <= req.maxPort; port++) if (port !== first) yield port
  },
})

describe('the candidate rule', () => {
  test("a strategy's first candidate is tried first: basePort is not put in front of it", async () => {
    const allocator = createAllocator({
      probe: allFree,
      plugins: [randomInRange((from, to) => from + 1 + Math.floor(Math.random() * (to - from)))],
    })
    const result = await allocator.allocate({ serviceName: 'r', basePort: 41000, maxPort: 41050 })
    expect(result.port).not.toBe(41000)
    expect(result.attempts).toBe(1)
    expect(result.outcome).toBe('fallback')
  })

  test('the preferred ports go first, then the strategy; without a strategy the range starts at basePort', async () => {
    const prefers = { name: 'prefers', preferred: () => 41020 }
    const withStrategy = createAllocator({ probe: allFree, plugins: [prefers, randomInRange((_, to) => to)] })
    expect((await withStrategy.allocate({ serviceName: 'a', basePort: 41000, maxPort: 41050 })).port).toBe(41020)
    // 41020 is claimed now: the strategy's first candidate comes next.
    expect((await withStrategy.allocate({ serviceName: 'b', basePort: 41000, maxPort: 41050 })).port).toBe(41050)
    const plain = createAllocator({ probe: allFree })
    expect((await plain.allocate({ serviceName: 'c', basePort: 41000, maxPort: 41050 })).port).toBe(41000)
  })

  test('a strict request tries its preferred port and basePort only, whatever the strategy', async () => {
    const allocator = createAllocator({ probe: allFree, plugins: [randomInRange((_, to) => to)] })
    expect((await allocator.allocate({ serviceName: 's', basePort: 41000, maxPort: 41050, strict: true })).port).toBe(41000)
  })
})

describe('a candidate source that breaks the contract', () => {
  const allBusy = async (port: number) => ({ port, free: false, reason: 'in-use' as const })
  const allocate = (candidates: PortPlugin['candidates'], probe = allFree) =>
    createAllocator({ probe, plugins: [{ name: 'bad', candidates }] }).allocate({ serviceName: 'b', basePort: 41400, maxPort: 41410 })

  test('is an E_PLUGIN error naming the plugin and the hook: a value that is no port, a failure inside it, a source that never ends', async () => {
    await expect(allocate(() => [70000])).rejects.toMatchObject({
      code: 'E_PLUGIN',
      message: '[bad] candidates failed: yielded 70000, which is not a port from 1 to 65535',
    })
    await expect(
      allocate(function* () {
        yield 41401
        throw new Error('boom')
      }, allBusy),
    ).rejects.toMatchObject({ code: 'E_PLUGIN', message: '[bad] candidates failed: boom' })
    const forever = function* () {
      for (;;) yield 41402
    }
    await expect(allocate(forever, allBusy)).rejects.toThrow(
      '[bad] candidates failed: yielded ports it had already given more than 65536 times',
    )
  })
})

describe("a plugin's own options", () => {
  const Weight = v.strictObject({
    weight: v.pipe(v.number('weight must be a number'), v.integer('weight must be a whole number')),
    zone: v.optional(v.string(), 'a'),
  })
  const seen: unknown[] = []
  const weighted = () =>
    definePlugin({
      name: 'weighted',
      options: Weight,
      preferred(req) {
        seen.push(optionsOf(req, 'weighted', Weight))
        return null
      },
      // Heaviest first: an order of the plugin's own, from its own option.
      order: (requests) =>
        [...requests].sort((a, b) => (optionsOf(b, 'weighted', Weight)?.weight ?? 0) - (optionsOf(a, 'weighted', Weight)?.weight ?? 0)),
    })

  test("reach the plugin's hooks as its schema's output, and order services by the plugin's own rule", async () => {
    seen.length = 0
    const results = await allocateMultiplePorts(
      [
        { name: 'light', basePort: 41100, options: { weighted: { weight: 1 } } },
        { name: 'heavy', basePort: 41100, options: { weighted: { weight: 9, zone: 'b' } } },
        { name: 'none', basePort: 41100 },
      ],
      { probe: allFree, logger: null, plugins: [weighted()] },
    )
    expect(results.map((r) => [r.serviceName, r.port])).toEqual([
      ['light', 41101],
      ['heavy', 41100],
      ['none', 41102],
    ])
    expect(seen).toEqual([{ weight: 9, zone: 'b' }, { weight: 1, zone: 'a' }, undefined])
  })

  test('a bad value is refused before any port is claimed, naming the key path and the value', async () => {
    const allocator = createAllocator({ probe: allFree, plugins: [weighted()] })
    const bad = allocator.allocate({ serviceName: 'x', basePort: 41200, options: { weighted: { weight: 'heavy' } } })
    await expect(bad).rejects.toMatchObject({
      code: 'E_INVALID_OPTIONS',
      message: 'options.weighted.weight: weight must be a number, got "heavy"',
    })
    const typo = allocator.allocate({ serviceName: 'x', basePort: 41200, options: { weigthed: { weight: 1 } } })
    await expect(typo).rejects.toThrow(
      'options.weigthed: no plugin named "weigthed" is loaded (plugins with options: envPreference, weighted)',
    )
    const none = createAllocator({ probe: allFree, plugins: [{ name: 'plain' }] }).allocate({
      serviceName: 'x',
      basePort: 41200,
      options: { plain: 1 },
    })
    await expect(none).rejects.toThrow('options.plain: the plugin plain takes no per-request options, got 1')
    const order = allocateMultiplePorts(
      [
        { name: 'ok', basePort: 41200 },
        { name: 'bad', basePort: 41201, options: { weighted: {} } },
      ],
      { probe: allFree, logger: null, plugins: [weighted()] },
    )
    await expect(order).rejects.toThrow('options.weighted.weight')
    // Nothing was claimed: the first service's port is still free to hand out.
    expect((await allocator.allocate({ serviceName: 'y', basePort: 41200 })).port).toBe(41200)
  })

  test('each plugin of an allocator has its own name; one named like a default replaces it', async () => {
    expect(() => createAllocator({ plugins: [{ name: 'twin' }, { name: 'twin' }] })).toThrow('Two plugins are named "twin"')
    const env = { MY_PORT: '41300' }
    // Its own environment preference, under the default's name: envVar goes to it, and the default is gone.
    const mine: PortPlugin = {
      name: 'envPreference',
      options: v.object({ variable: v.string() }),
      preferred: (req) => (optionsOf<{ variable: string }>(req, 'envPreference') ? 41301 : null),
    }
    const allocator = createAllocator({ probe: allFree, env, plugins: [mine] })
    expect(allocator.plugins.map((p) => p.name)).toEqual(['envPreference'])
    expect((await allocator.allocate({ serviceName: 'e', basePort: 41310, envVar: 'MY_PORT' })).port).toBe(41301)
    const standard = createAllocator({ probe: allFree, env })
    expect((await standard.allocate({ serviceName: 'f', basePort: 41310, envVar: 'MY_PORT' })).port).toBe(41300)
  })
})
