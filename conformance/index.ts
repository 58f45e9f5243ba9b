/**
 * The shared conformance suite for plugins: `conformance('my-plugin', () => myPlugin(), { describe, test })`
 * registers tests with any runner (bun:test, vitest, node:test). Real sockets on loopback only.
 * A plugin passes when berth still keeps its promises with it: every port is free and bindable,
 * held and excluded ports are never handed out, concurrent callers get distinct ports, a full
 * range fails cleanly, and the plugin survives dispose and reuse.
 */
import { createAllocator } from '../spec/allocator.ts'
import { releaseClaim } from '../core/claims.ts'
import { isPortError } from '../core/errors.ts'
import type { AllocationResult, PortPlugin } from '../core/types.ts'

export interface TestApi {
  describe(name: string, body: () => void): unknown
  test(name: string, body: () => Promise<void>, timeout?: number): unknown
}

export interface Held {
  port: number
  close(): Promise<void>
}

/** Listens for real on `host` (port 0: the kernel picks) until `close()`. Also used by berth's own tests. */
export async function hold(host: string, port = 0, ipv6Only = false): Promise<Held> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host, port, ipv6Only, exclusive: true }, () => {
      const address = server.address()
      const bound = typeof address === 'object' && address ? address.port : port
      resolve({ port: bound, close: () => new Promise((done) => server.close(() => done())) })
    })
  })
}

/**
 * Holds `count` consecutive ports on every address (a dual-stack `::` listener each), below the
 * Linux ephemeral range, until `close()`. Tries elsewhere when any port of a try is taken.
 */
export async function holdRange(count: number): Promise<{ from: number; to: number; close(): Promise<void> }> {
  for (let tries = 0; tries < 50; tries++) {
    const from = 20000 + Math.floor(Math.random() * 10000)
    const held: Held[] = []
    try {
      for (let port = from; port < from + count; port++) held.push(await hold('::', port))
      return { from, to: from + count - 1, close: async () => void (await Promise.all(held.map((h) => h.close()))) }
    } catch {
      await Promise.all(held.map((h) => h.close()))
    }
  }
  throw new Error(`conformance: no ${count} free consecutive ports found`)
}

/** `count` consecutive ports, free now (checked, not held), below the ephemeral range. */
export async function freeRange(count: number): Promise<number> {
  const range = await holdRange(count)
  await range.close()
  return range.from
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`conformance: ${message}`)
}

/** True when a real listen on `host:port` succeeds right now. */
export async function canBind(port: number, host = '::'): Promise<boolean> {
  try {
    await (await hold(host, port)).close()
    return true
  } catch {
    return false
  }
}

export function conformance(name: string, makePlugin: () => PortPlugin, { describe, test }: TestApi): void {
  /** Runs `body` with a fresh allocator using the plugin, then gives back every port it handed out. */
  async function using(body: (allocate: (base: number, max: number, exclude?: number[]) => Promise<AllocationResult>) => Promise<void>) {
    const allocator = createAllocator({ plugins: [makePlugin()] })
    const handed: number[] = []
    let n = 0
    try {
      await body(async (basePort, maxPort, exclude) => {
        const result = await allocator.allocate({ serviceName: `conformance-${++n}`, basePort, maxPort, exclude })
        handed.push(result.port)
        return result
      })
    } finally {
      for (const port of handed) await allocator.release(port)
      await allocator.dispose()
      for (const port of handed) releaseClaim(port)
    }
  }

  describe(`conformance: ${name}`, () => {
    test('has a non-empty name and the factory makes a fresh plugin each time', async () => {
      const [a, b] = [makePlugin(), makePlugin()]
      check(typeof a.name === 'string' && a.name.length > 0, 'the plugin needs a non-empty name')
      check(a !== b, 'the factory returned the same object twice; plugins hold per-allocator state')
    })

    test('never hands out a port held on IPv4 or IPv6, and every port it hands out binds', async () => {
      const from = await freeRange(10)
      const held = [await hold('127.0.0.1', from + 1), await hold('::1', from + 3, true), await hold('::', from + 5)]
      try {
        await using(async (allocate) => {
          const ports: number[] = []
          for (let i = 0; i < 5; i++) ports.push((await allocate(from, from + 9)).port)
          for (const h of held) check(!ports.includes(h.port), `handed out ${h.port}, which a listener holds`)
          check(new Set(ports).size === ports.length, `handed out a port twice: ${ports.join(', ')}`)
          for (const port of ports) check(await canBind(port), `handed out ${port}, which does not bind`)
        })
      } finally {
        await Promise.all(held.map((h) => h.close()))
      }
    })

    test('never hands out an excluded port', async () => {
      const from = await freeRange(4)
      await using(async (allocate) => {
        const { port } = await allocate(from, from + 3, [from, from + 1])
        check(port !== from && port !== from + 1, `handed out the excluded port ${port}`)
      })
    })

    test('concurrent callers get distinct ports', async () => {
      const from = await freeRange(20)
      await using(async (allocate) => {
        const ports = (await Promise.all(Array.from({ length: 10 }, () => allocate(from, from + 19)))).map((r) => r.port)
        check(new Set(ports).size === 10, `concurrent callers shared a port: ${ports.join(', ')}`)
      })
    })

    test('a range with no free port fails with E_NO_PORT, not a wrong port', async () => {
      const from = await freeRange(3)
      const held = [await hold('::', from), await hold('::', from + 1), await hold('::', from + 2)]
      try {
        await using(async (allocate) => {
          const outcome = await allocate(from, from + 2).then((r) => r.port, (error: unknown) => error)
          check(isPortError(outcome) && outcome.code === 'E_NO_PORT', `expected E_NO_PORT, got ${String(outcome)}`)
        })
      } finally {
        await Promise.all(held.map((h) => h.close()))
      }
    })

    test('survives dispose and works again in a new allocator', async () => {
      const from = await freeRange(2)
      await using(async (allocate) => void (await allocate(from, from + 1)))
      await using(async (allocate) => void (await allocate(from, from + 1)))
    })
  })
}
