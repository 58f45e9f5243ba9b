/** Real listeners on loopback for the conformance suite and berth's own tests. */

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

/** True when a real listen on `host:port` succeeds right now. */
export async function canBind(port: number, host = '::'): Promise<boolean> {
  try {
    await (await hold(host, port)).close()
    return true
  } catch {
    return false
  }
}
