// portfinder 1.0's README and source, scenario by scenario. Each runs against berth/portfinder and,
// except the "berth: …" ones, against portfinder itself, so the expectations are the original's.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LISTEN_REFUSED, assert, canBind, freeRange } from './helpers.mjs'

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
      await assert.rejects(portfinder.getPortPromise({ port: from, stopPort: from + 2 }), {
        message: `No open ports found in between ${from} and ${from + 2}`,
      })
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
      try {
        await assert.rejects(portfinder.getPortPromise(), { message: 'No open ports available' })
      } finally {
        restore()
      }
    },
    'getPorts(count) gives ascending distinct ports': async () => {
      const from = await freeRange(3)
      assert.deepEqual(await portfinder.getPortsPromise(3, { port: from }), [from, from + 1, from + 2])
    },
    'getSocket finds the first unused socket path': async () => {
      // A child process of its own (node, deno, bun) runs these: it removes its folder itself.
      const dir = mkdtempSync(join(tmpdir(), 'berth-pf-'))
      try {
        const path = join(dir, 'nested', 'app.sock')
        assert.equal(await portfinder.getSocketPromise({ path }), path)
        writeFileSync(path, '')
        assert.equal(await portfinder.getSocketPromise({ path }), join(dir, 'nested', 'app1.sock'))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    'options are read with Number(): text that is not a number means basePort': async () => {
      const from = await freeRange(2)
      portfinder.basePort = from
      try {
        assert.equal(await portfinder.getPortPromise({ port: 'abc' }), from)
        assert.equal(await portfinder.getPortPromise({ port: ` ${from + 1} ` }), from + 1)
        assert.equal(await portfinder.getPortPromise({ port: 0 }), from)
      } finally {
        restore()
      }
    },
    "the caller's options object gets the search written back, as portfinder does": async () => {
      const from = await freeRange(2)
      const options = { port: from }
      assert.deepEqual(await portfinder.getPortsPromise(2, options), [from, from + 1])
      assert.deepEqual(options, { port: from + 1, host: null, stopPort: 65535, startPort: from })
    },
    'checks fail through the callback before getPort returns; a port listen() refuses throws': async () => {
      let during = true
      let seen
      portfinder.getPort({ port: -1 }, (err) => (seen = [during, err.message]))
      during = false
      assert.deepEqual(seen, [true, 'Provided options.port(-1) is less than 0, which are cannot be bound.'])
      assert.throws(() => portfinder.getPort({ port: 3000.5 }, () => {}), LISTEN_REFUSED)
      await assert.rejects(portfinder.getPortPromise({ port: 3000.5 }), LISTEN_REFUSED)
      await assert.rejects(portfinder.getPortPromise({ port: 70000 }), {
        message: 'Provided options.stopPort(65535) is less than options.port(70000)',
      })
    },
    'with startPort given nothing is checked first: a free port above stopPort is "none in between"': async ({ hold }) => {
      const from = await freeRange(2)
      await assert.rejects(portfinder.getPortPromise({ startPort: from, stopPort: from - 1 }), {
        message: `No open ports found in between ${from} and ${from - 1}`,
      })
      await hold('::', from)
      await assert.rejects(portfinder.getPortPromise({ port: from, stopPort: from }), {
        message: `No open ports found in between ${from} and ${from}`,
      })
    },
    'sequential calls answer the same free port again: nothing is remembered': async () => {
      const port = await freeRange(1)
      assert.equal(await portfinder.getPortPromise({ port }), port)
      assert.equal(await portfinder.getPortPromise({ port }), port)
      assert.deepEqual(await portfinder.getPortsPromise(1, { port: await portfinder.getPortPromise({ port }) }), [port])
    },
    'nextSocket: letters then digits, else a TypeError; getSocket makes its folder 0755 when mod is 0': async () => {
      assert.equal(portfinder.nextSocket('/x/app.sock'), '/x/app1.sock')
      assert.equal(portfinder.nextSocket('/x/app9.sock'), '/x/app10.sock')
      assert.throws(() => portfinder.nextSocket('/x/my-app.sock'), TypeError)
      const temp = mkdtempSync(join(tmpdir(), 'berth-pf-'))
      try {
        const dir = join(temp, 'made')
        await portfinder.getSocketPromise({ path: join(dir, 'app.sock'), mod: 0 })
        assert.equal(statSync(dir).mode & 0o700, 0o700)
      } finally {
        rmSync(temp, { recursive: true, force: true })
      }
    },
    'a host this machine does not have: "could NOT be bound"': async () => {
      await assert.rejects(portfinder.getPortPromise({ port: await freeRange(1), host: '192.0.2.1' }), {
        message: 'Provided host 192.0.2.1 could NOT be bound. Please provide a different host address or hostname',
      })
    },
    // Last: portfinder keeps a host it was given, so after this one every call of the original fails.
    'a host name the resolver does not know is its error': async () => {
      await assert.rejects(portfinder.getPortPromise({ port: await freeRange(1), host: 'example.invalid' }), {
        code: 'ENOTFOUND',
        hostname: 'example.invalid',
      })
    },
    'berth: calls that overlap in time get different ports': async () => {
      const port = await freeRange(4)
      const answers = await Promise.all([
        portfinder.getPortPromise({ port }),
        portfinder.getPortPromise({ port }),
        portfinder.getPortsPromise(2, { port }),
      ])
      assert.equal(new Set(answers.flat()).size, 4)
      assert.equal(await portfinder.getPortPromise({ port }), port)
    },
    'berth: an unknown host name fails that call only': async () => {
      const port = await freeRange(1)
      await assert.rejects(portfinder.getPortPromise({ port, host: 'example.invalid' }), { code: 'ENOTFOUND' })
      assert.equal(await portfinder.getPortPromise({ port }), port)
    },
    'berth: a port held only on ::1 (IPv6) is busy, with a host too': async ({ hold }) => {
      const port = await freeRange(2)
      await hold('::1', port, true)
      assert.equal(await portfinder.getPortPromise({ port }), port + 1)
      assert.equal(await portfinder.getPortPromise({ port, host: '127.0.0.1' }), port + 1)
    },
  }
}
