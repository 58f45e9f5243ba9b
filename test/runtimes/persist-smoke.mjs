// Runs under Bun, Deno and Node: persist() against a real registry in argv[3].
// Prints one JSON line: the same service gets its port back, another service does not get it.
// argv[2] is the package root (index.ts or the bundle's index.js); the plugins sit beside it.
const lib = await import(process.argv[2])
const { persist } = await import(
  new URL(`plugins/index.${process.argv[2].endsWith('.ts') ? 'ts' : 'js'}`, `file://${process.argv[2]}`).href
)
const stateDir = process.argv[3]
const options = (serviceName) => ({ basePort: 42000, serviceName, logger: null, plugins: [persist({ stateDir, project: '/smoke' })] })
try {
  const first = await lib.allocatePort(options('web'))
  // The in-process claims are let go, so only the registry remembers the ports.
  lib.releaseClaim(first.port)
  const again = await lib.allocatePort(options('web'))
  const other = await lib.allocatePort(options('api'))
  lib.releaseClaim(again.port)
  lib.releaseClaim(other.port)
  const otherAgain = await lib.allocatePort(options('api'))
  console.log(JSON.stringify({ sticky: again.port === first.port && otherAgain.port === other.port, apart: other.port !== first.port }))
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }))
}
