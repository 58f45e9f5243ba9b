/**
 * The conformance suite itself: it fails a broken plugin of each hook kind (first non-null, in
 * order, reverse, reverse and always), naming what broke.
 */
import { describe, expect, test } from 'bun:test'
import { conformance, type ConformanceOptions } from '../conformance/index.ts'
import type { PortPlugin } from '../core/types.ts'
import { clearClaims } from '../index.ts'

/** Collects the suite's tests instead of registering them, so they can be run and watched failing. */
function collect(makePlugin: () => PortPlugin, options?: ConformanceOptions) {
  const tests: Array<{ name: string; body: () => Promise<void> }> = []
  conformance(
    'under test',
    makePlugin,
    { describe: (_name, body) => body(), test: (name, body) => void tests.push({ name, body }) },
    options,
  )
  return tests
}

/** The suite's failures: test name → message. */
async function failures(makePlugin: () => PortPlugin, options?: ConformanceOptions): Promise<Record<string, string>> {
  const failed: Record<string, string> = {}
  for (const t of collect(makePlugin, options)) await t.body().catch((error: Error) => void (failed[t.name] = error.message))
  clearClaims()
  return failed
}

const HOOKS_RUN = 'every hook it has runs under the suite, and its answers are used'
const HANDS_OUT = 'never hands out a port held on IPv4 or IPv6, and every port it hands out binds'
const REUSE = 'a released port is handed out again'
const DISPOSE = 'survives dispose and works again in a new allocator'

describe('the conformance suite', () => {
  test('passes a plain, correct plugin of every hook kind', async () => {
    const good = (): PortPlugin => ({
      name: 'good',
      setup() {},
      preferred: (req) => req.basePort,
      *candidates(req) {
        for (let port = req.maxPort; port >= req.basePort; port--) yield port
      },
      order: (requests) => [...requests].reverse(),
      accept: () => true,
      claim: () => true,
      allocated() {},
      released() {},
      rollback() {},
      dispose() {},
    })
    expect(await failures(good)).toEqual({})
  })

  test('fails a plugin that is shared between allocators and refuses every port (in order: accept)', async () => {
    const shared = { name: 'refuses-all', accept: () => 'no' }
    const failed = await failures(() => shared)
    expect(Object.keys(failed)).toEqual(
      expect.arrayContaining([
        'has a non-empty name and the factory makes a fresh plugin each time',
        HANDS_OUT,
        'concurrent callers get distinct ports',
        REUSE,
      ]),
    )
  })

  test('first non-null: a candidates hook that offers nothing, and one that never answers', async () => {
    const empty = await failures(() => ({ name: 'empty', candidates: () => [] }))
    expect(empty[HANDS_OUT]).toContain('No available ports found')
    // One that repeats a port for ever fails the suite rather than hanging it.
    const repeating = await failures(() => ({
      name: 'repeats',
      *candidates(req) {
        for (;;) yield req.basePort
      },
    }))
    expect(repeating['concurrent callers get distinct ports']).toContain('[repeats] candidates failed: yielded ports it had already given')
    const silent = await failures(() => ({ name: 'silent', candidates: () => null }))
    expect(silent[HOOKS_RUN]).toContain('its candidates hook(s) never answered')
    // Unless the author says it answers only in cases the suite cannot make.
    expect(
      (await failures(() => ({ name: 'silent', candidates: () => null }), { capabilities: { candidates: false } }))[HOOKS_RUN],
    ).toBeUndefined()
  })

  test('first non-null: an order hook that drops a service', async () => {
    const failed = await failures(() => ({ name: 'drops', order: (requests) => requests.slice(1) }))
    expect(failed[HOOKS_RUN]).toContain('[drops] order failed: it must return the 3 requests it was given')
  })

  test('in order: a preferred hook that answers no port, a claim that always loses, an observer that throws', async () => {
    expect((await failures(() => ({ name: 'p', preferred: () => 70000 })))[HANDS_OUT]).toContain('[p] preferred failed: answered 70000')
    expect((await failures(() => ({ name: 'c', claim: () => false })))[HANDS_OUT]).toContain('No available ports')
    expect(
      (
        await failures(() => ({
          name: 'a',
          allocated: () => {
            throw new Error('boom')
          },
        }))
      )[HANDS_OUT],
    ).toContain('[a] allocated failed: boom')
  })

  test('reverse: a released hook that throws; reverse and always: a dispose that throws', async () => {
    expect(
      (
        await failures(() => ({
          name: 'r',
          released: () => {
            throw new Error('cannot')
          },
        }))
      )[REUSE],
    ).toContain('[r] released failed: cannot')
    expect(
      (
        await failures(() => ({
          name: 'rb',
          rollback: () => {
            throw new Error('stuck')
          },
        }))
      )[HOOKS_RUN],
    ).toContain('[rb] rollback failed: stuck')
    expect(
      (
        await failures(() => ({
          name: 'd',
          dispose: () => {
            throw new Error('leak')
          },
        }))
      )[DISPOSE],
    ).toContain('[d] dispose failed: leak')
  })

  test('fails a hook that never runs under the suite: a strategy whose option the requests do not give', async () => {
    const failed = await failures(() => ({
      name: 'needs-option',
      setup() {},
      candidates: (req) => (req.options['needs-option'] ? [req.basePort] : null),
    }))
    expect(failed[HOOKS_RUN]).toContain('never answered')
  })
})
