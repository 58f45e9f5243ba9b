// Runs under Bun, Deno and Node: persist() against a real registry in argv[3].
// Prints one JSON line: the same service gets its port back, another service does not get it.
const lib = await import(process.argv[2])
const stateDir = process.argv[3]
const options = (serviceName) => ({ basePort: 42000, serviceName, logger: null, plugins: [lib.persist({ stateDir, project: '/smoke' })] })
try {
  const first = await lib.allocatePort(options('web'))
  // The in-process claim is let go, so only the registry remembers the port.
  lib.releasePort(first.port)
  const again = await lib.allocatePort(options('web'))
  const other = await lib.allocatePort(options('api'))
  const registry = await lib.createRegistry(stateDir)
  const leases = registry.list().map((lease) => `${lease.service}:${lease.state}`)
  registry.close()
  console.log(JSON.stringify({ sticky: again.port === first.port, apart: other.port !== first.port, leases }))
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }))
}
