// portfinder 1.0's README, scenario by scenario, against berth/portfinder.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assert, canBind, freeRange } from './helpers.mjs'

export function scenarios(lib, format) {
  // import gives the module namespace (its default is the portfinder object); require gives the object.
  const portfinder = format === 'require' ? lib : lib.default
  const restore = () => {
    portfinder.basePort = 8000
    portfinder.highestPort = 65535
  }
  return {
    'basePort is 8000 and highestPort 65535 by default; nextPort adds one': async () => {
      assert.equal(portfinder.basePort, 8000)
      assert.equal(portfinder.highestPort, 65535)
      assert.equal(portfinder.nextPort(5), 6)
      const port = await portfinder.getPortPromise()
      assert.ok(port >= 8000 && (await canBind(port)))
    },
    'assigning basePort (and setBasePort) moves the search': async () => {
      const from = await freeRange(2)
      portfinder.basePort = from
      assert.equal(await portfinder.getPortPromise(), from)
      portfinder.setBasePort(from + 1)
      assert.equal(await portfinder.getPortPromise(), from + 1)
      restore()
    },
    'the callback form': async () => {
      const port = await freeRange(1)
      const found = await new Promise((resolve, reject) => portfinder.getPort({ port }, (err, p) => (err ? reject(err) : resolve(p))))
      assert.equal(found, port)
    },
    'busy ports are skipped up to stopPort, then an error names the range': async ({ hold }) => {
      const from = await freeRange(3)
      await hold('::', from)
      assert.equal(await portfinder.getPortPromise({ port: from, stopPort: from + 2 }), from + 1)
      await hold('127.0.0.1', from + 1)
      await hold('::1', from + 2, true)
      await assert.rejects(portfinder.getPortPromise({ port: from, stopPort: from + 2 }), { message: `No open ports found in between ${from} and ${from + 2}` })
    },
    'stopPort below port is an error, through the callback too': async () => {
      await assert.rejects(portfinder.getPortPromise({ port: 9000, stopPort: 8000 }), /stopPort\(8000\) is less than options.port\(9000\)/)
      const err = await new Promise((resolve) => portfinder.getPort({ port: 9000, stopPort: 8000 }, (e) => resolve(e)))
      assert.ok(err instanceof Error)
    },
    'highestPort bounds the search': async ({ hold }) => {
      const from = await freeRange(1)
      await hold('::', from)
      portfinder.basePort = from
      portfinder.setHighestPort(from)
      await assert.rejects(portfinder.getPortPromise(), /No open ports found/)
      restore()
    },
    'getPorts(count) gives ascending distinct ports': async () => {
      const from = await freeRange(3)
      assert.deepEqual(await portfinder.getPortsPromise(3, { port: from }), [from, from + 1, from + 2])
    },
    'getSocket finds the first unused socket path': async () => {
      const dir = mkdtempSync(join(tmpdir(), 'berth-pf-'))
      const path = join(dir, 'nested', 'app.sock')
      assert.equal(await portfinder.getSocketPromise({ path }), path)
      writeFileSync(path, '')
      assert.equal(await portfinder.getSocketPromise({ path }), join(dir, 'nested', 'app1.sock'))
    },
    'berth: text that is not a port is refused, not replaced by basePort': async () => {
      await assert.rejects(portfinder.getPortPromise({ port: 'abc' }), /options\.port \("abc"\) is not a port number/)
    },
  }
}
