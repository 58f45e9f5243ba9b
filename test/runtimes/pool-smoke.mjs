// Runs under Bun, Deno and Node: the probe workers against the main thread on one range
// with a held port. Prints one JSON line. The import is passed in argv[2].
import { createServer } from 'node:net'

const lib = await import(process.argv[2])
// Below the ephemeral range, so no other process's passing connection changes a port between the scans.
const listen = (port) =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen({ host: '127.0.0.1', port }, () => resolve(s))
  })
let server
let from
for (let tries = 0; !server; tries++) {
  from = 20000 + Math.floor(Math.random() * 9000)
  server = await listen(from + 100).catch((error) => (tries < 20 ? null : Promise.reject(error)))
}
const busy = from + 100
const main = await lib.scanPorts(from, from + 199, { runOn: 'main' })
// Workers alone, then the default: the main thread takes chunks too.
const pool = await lib.scanPorts(from, from + 199, { runOn: 'workers', chunkSize: 50, threads: 2, mainThreadHelps: false })
const helped = await lib.scanPorts(from, from + 199, { runOn: 'workers', chunkSize: 25 })
server.close()
const same = JSON.stringify(main) === JSON.stringify(pool) && JSON.stringify(main) === JSON.stringify(helped)
console.log(JSON.stringify({ same, busySeen: pool.busy.some((b) => b.port === busy) }))
