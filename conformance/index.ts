/**
 * The shared conformance suite for plugins:
 * `conformance('my-plugin', (range) => myPlugin(), { describe, test }, { request, env, capabilities })`
 * registers tests with any runner (bun:test, vitest, node:test). Real sockets on loopback only.
 * A plugin passes when berth still keeps its promises with it and its own hooks run: every port
 * is free and bindable, held and excluded ports are never handed out, concurrent callers (in one
 * allocator and in two) get distinct ports, a released port is handed out again, a full range
 * fails cleanly, the plugin survives dispose and reuse, and every hook it has runs under the
 * suite's requests, its answers used.
 */
import { createAllocator, type AllocateInput, type Allocator } from '../spec/allocator.ts'
import { releaseClaim } from '../core/claims.ts'
import { isPortError } from '../core/errors.ts'
import type { AllocationResult, PortPlugin } from '../core/types.ts'
import { HOOKS, newRecord, recorded, type HookName, type Record } from './recorder.ts'
import { canBind, freeRange, hold } from './sockets.ts'

export { canBind, freeRange, hold, holdRange, type Held } from './sockets.ts'

export interface TestApi {
  describe(name: string, body: () => void): unknown
  test(name: string, body: () => Promise<void>, timeout?: number): unknown
}

/** The ports a test allocates from: free when the test starts. */
export interface ConformanceRange {
  from: number
  to: number
}

export interface ConformanceOptions {
  /**
   * What the suite's requests carry besides the range (`options` for the plugin's own, `envVar`,
   * `host`…), so the plugin acts on them: `(range, i) => ({ options: { pool: { name: 'c' } } })`.
   */
  request?(range: ConformanceRange, index: number): Partial<AllocateInput>
  /** The environment the allocator reads (the environment preference does). */
  env?(range: ConformanceRange): { [name: string]: string | undefined }
  /**
   * Which answering hooks must answer (not null) for the suite's requests. Each defaults to
   * true when the plugin has the hook: a `candidates` that never answers is a strategy the
   * suite never ran. Set one to false for a hook that answers only in cases the suite cannot make.
   */
  capabilities?: { [hook in 'preferred' | 'candidates' | 'order']?: boolean }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`conformance: ${message}`)
}

export function conformance(
  name: string,
  makePlugin: (range: ConformanceRange) => PortPlugin,
  { describe, test }: TestApi,
  options: ConformanceOptions = {},
): void {
  type Allocate = (extra?: Partial<AllocateInput>) => Promise<AllocationResult>

  /** The suite's n-th request over `range`, with what the plugin's author asked for. */
  const requestOf = (range: ConformanceRange, n: number, extra: Partial<AllocateInput> = {}): AllocateInput => ({
    serviceName: `conformance-${n}`,
    basePort: range.from,
    maxPort: range.to,
    ...options.request?.(range, n),
    ...extra,
  })
  const allocatorFor = (range: ConformanceRange, record = newRecord()) =>
    createAllocator({ plugins: [recorded(makePlugin(range), record)], env: options.env?.(range) ?? {} })

  /** Runs `body` with fresh allocators using the plugin, then gives back every port they handed out. */
  async function using(
    range: ConformanceRange,
    body: (allocate: Allocate, allocator: Allocator, record: Record) => Promise<void>,
    record = newRecord(),
  ) {
    const allocator = allocatorFor(range, record)
    const handed: number[] = []
    let n = 0
    try {
      await body(
        async (extra) => {
          const result = await allocator.allocate(requestOf(range, ++n, extra))
          handed.push(result.port)
          return result
        },
        allocator,
        record,
      )
    } finally {
      for (const port of handed) releaseClaim(port)
      await allocator.dispose()
    }
  }
  const rangeOf = async (count: number): Promise<ConformanceRange> => {
    const from = await freeRange(count)
    return { from, to: from + count - 1 }
  }

  describe(`conformance: ${name}`, () => {
    test('has a non-empty name and the factory makes a fresh plugin each time', async () => {
      const range = await rangeOf(2)
      const [a, b] = [makePlugin(range), makePlugin(range)]
      check(typeof a.name === 'string' && a.name.length > 0, 'the plugin needs a non-empty name')
      check(a !== b, 'the factory returned the same object twice; plugins hold per-allocator state')
    })

    test('never hands out a port held on IPv4 or IPv6, and every port it hands out binds', async () => {
      const range = await rangeOf(10)
      const { from } = range
      const held = [await hold('127.0.0.1', from + 1), await hold('::1', from + 3, true), await hold('::', from + 5)]
      try {
        await using(range, async (allocate) => {
          const ports: number[] = []
          for (let i = 0; i < 5; i++) ports.push((await allocate()).port)
          for (const h of held) check(!ports.includes(h.port), `handed out ${h.port}, which a listener holds`)
          check(new Set(ports).size === ports.length, `handed out a port twice: ${ports.join(', ')}`)
          for (const port of ports) check(await canBind(port), `handed out ${port}, which does not bind`)
        })
      } finally {
        await Promise.all(held.map((h) => h.close()))
      }
    })

    test('never hands out an excluded port', async () => {
      const range = await rangeOf(4)
      await using(range, async (allocate) => {
        const { port } = await allocate({ exclude: [range.from, range.from + 1] })
        check(port !== range.from && port !== range.from + 1, `handed out the excluded port ${port}`)
      })
    })

    test('concurrent callers get distinct ports', async () => {
      const range = await rangeOf(20)
      await using(range, async (allocate) => {
        const ports = (await Promise.all(Array.from({ length: 10 }, () => allocate()))).map((r) => r.port)
        check(new Set(ports).size === 10, `concurrent callers shared a port: ${ports.join(', ')}`)
      })
    })

    test('concurrent callers in two allocators, each with its own plugin, get distinct ports', async () => {
      const range = await rangeOf(20)
      await using(range, async (first) => {
        await using(range, async (second) => {
          const calls = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second)({ serviceName: `conformance-pair-${i}` }))
          const ports = (await Promise.all(calls)).map((r) => r.port)
          check(new Set(ports).size === 10, `two allocators shared a port: ${ports.join(', ')}`)
        })
      })
    })

    test('a released port is handed out again', async () => {
      const range = await rangeOf(1)
      await using(range, async (allocate, allocator) => {
        const { port } = await allocate()
        const before = await allocate({ serviceName: 'conformance-second' }).then(
          (r) => r.port,
          (error: unknown) => error,
        )
        check(
          isPortError(before) && before.code === 'E_NO_PORT',
          `handed out ${String(before)} while ${port} was still held by the first caller`,
        )
        await allocator.release(port)
        const again = await allocate({ serviceName: 'conformance-second' }).then(
          (r) => r.port,
          (error: unknown) => error,
        )
        check(again === port, `after release(${port}), the only port of the range was not handed out again: ${String(again)}`)
      })
    })

    test('a range with no free port fails with E_NO_PORT, not a wrong port', async () => {
      const range = await rangeOf(3)
      const held = [await hold('::', range.from), await hold('::', range.from + 1), await hold('::', range.from + 2)]
      try {
        await using(range, async (allocate) => {
          const outcome = await allocate().then(
            (r) => r.port,
            (error: unknown) => error,
          )
          check(isPortError(outcome) && outcome.code === 'E_NO_PORT', `expected E_NO_PORT, got ${String(outcome)}`)
        })
      } finally {
        await Promise.all(held.map((h) => h.close()))
      }
    })

    test('survives dispose and works again in a new allocator', async () => {
      const range = await rangeOf(2)
      await using(range, async (allocate) => void (await allocate()))
      await using(range, async (allocate) => void (await allocate()))
    })

    test('every hook it has runs under the suite, and its answers are used', async () => {
      const range = await rangeOf(8)
      const plugin = makePlugin(range)
      const record = newRecord()
      await using(
        range,
        async (allocate, allocator) => {
          // Services allocated together go in the order the plugins give (order), as allocateMultiplePorts does.
          const inputs = [0, 1, 2].map((i) => requestOf(range, 100 + i))
          const ordered = await allocator.order(inputs)
          check(ordered.length === inputs.length && inputs.every((r) => ordered.includes(r)), 'order() did not return every request once')
          const results: AllocationResult[] = []
          for (const input of ordered) results.push(await allocate(input))
          check(
            new Set(results.map((r) => r.port)).size === 3,
            `services allocated together shared a port: ${results.map((r) => r.port).join(', ')}`,
          )
          if (record.answered.has('candidates')) {
            for (const r of results)
              check(record.offered.has(r.port), `handed out ${r.port}, which the plugin neither preferred nor offered as a candidate`)
          }
          // The same service asking again, as after a restart: its plugin may remember its port (preferred).
          releaseClaim(results[2]!.port)
          const again = await allocate(ordered[2])
          check(await canBind(again.port), `handed out ${again.port} again, which does not bind`)
          await allocator.release(results[0]!.port)
          await allocator.rollback(results[1]!.port)
        },
        record,
      )
      const has = (hook: HookName) => typeof plugin[hook] === 'function'
      const never = HOOKS.filter((hook) => has(hook) && !record.calls.get(hook))
      check(never.length === 0, `its ${never.join(', ')} hook(s) never ran under the suite's requests (give them with the request option)`)
      const silent = (['preferred', 'candidates', 'order'] as const).filter(
        (hook) => has(hook) && (options.capabilities?.[hook] ?? true) && !record.answered.has(hook),
      )
      check(
        silent.length === 0,
        `its ${silent.join(', ')} hook(s) never answered for the suite's requests (give them with the request option, or say so in capabilities)`,
      )
    })
  })
}
