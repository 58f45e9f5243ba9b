/**
 * The conformance tests of berth's promises, kept with the plugin in place: every port handed out
 * is free and binds, held and excluded ports are never handed out, concurrent callers (in one
 * allocator and in two) get distinct ports, a released port is handed out again, a full range
 * fails cleanly, and the plugin survives dispose and reuse.
 */
import { isPortError } from '../core/errors.ts'
import { check, type Harness } from './harness.ts'
import type { TestApi } from './options.ts'
import { canBind, hold } from './sockets.ts'

export function promiseTests(test: TestApi['test'], { makePlugin, using, rangeOf }: Harness): void {
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
}
