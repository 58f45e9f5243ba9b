// Runs under Bun, Deno and Node: the library's spec functions against real sockets.
// Prints one JSON line for the test that spawned it. The import is passed in argv[2]
// (the TypeScript source for Bun and Deno, the built bundle for Node).
import { createServer } from 'node:net'

const lib = await import(process.argv[2])
const listen = (host, port, ipv6Only = false) =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host, port, ipv6Only }, () => resolve(server))
  })

// An IPv6-only listener must make the port busy too (where IPv6 exists at all).
const v6holder = await listen('::1', 0, true).catch(() => null)
const v6Seen = v6holder ? !(await lib.isPortAvailable(v6holder.address().port)) : 'no IPv6 here'
v6holder?.close()

const holder = await listen('127.0.0.1', 0)
const busy = holder.address().port
const fallback = await lib.allocatePort({ basePort: busy, maxPort: Math.min(busy + 20, 65535), serviceName: 'smoke', logger: null })
const many = await Promise.all([1, 2, 3, 4].map((i) => lib.allocatePort({ basePort: 41000, serviceName: `s${i}`, logger: null })))
let invalid = null
try {
  await lib.allocatePort({ basePort: 3100, maxPort: 3000, serviceName: 'x', logger: null })
} catch (error) {
  invalid = error.code
}
const report = {
  busyIsBusy: !(await lib.isPortAvailable(busy)),
  v6Seen,
  fallbackMoved: fallback.port > busy && !fallback.usedPreferred,
  distinct: new Set(many.map((r) => r.port)).size,
  invalid,
}
holder.close()
console.log(JSON.stringify(report))
