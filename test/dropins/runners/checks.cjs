'use strict'
// The same few checks of the four drop-ins, registered by each test runner's fixture (jest, vitest,
// mocha, node:test) with the drop-ins loaded the way that runner's users load them. They show that
// each drop-in loads and works inside the runner (jest's vm contexts, vitest's module graph, ...).
// CommonJS, so that jest can require it and the ESM fixtures can import it.
const assert = require('node:assert/strict')
const net = require('node:net')

/** Ports handed out so far: get-port locks its answers for 15-30 s, and berth keeps the other drop-ins of this process off them too. */
const used = new Set()

/** A port the kernel says is free and no earlier check of this file was given (the kernel may hand the same one out again). */
async function kernelPort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = net.createServer()
      server.once('error', reject)
      server.listen({ port: 0, host: '::' }, () => {
        const { port } = server.address()
        server.close(() => resolve(port))
      })
    })
    if (!used.has(port)) {
      used.add(port)
      return port
    }
  }
}

/** Listens on `port` on every address until the returned close() is called. */
function hold(port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen({ port, host: '::' }, () => resolve(() => new Promise((done) => server.close(done))))
  })
}

/** [name, check] pairs; `libs` holds what the fixture loaded: getPort, portfinder, detect, getPortPlease. */
function checks({ getPort, portfinder, detect, getPortPlease }) {
  return [
    [
      'get-port: a free preferred port is answered, a busy one is not',
      async () => {
        const port = await kernelPort()
        assert.equal(await getPort({ port }), port)
        const busy = await kernelPort()
        const close = await hold(busy)
        try {
          assert.notEqual(await getPort({ port: busy }), busy)
        } finally {
          await close()
        }
      },
    ],
    [
      'portfinder: promise and callback forms; sequential calls answer the same port',
      async () => {
        const port = await kernelPort()
        assert.equal(await portfinder.getPortPromise({ port }), port)
        assert.equal(
          await new Promise((resolve, reject) => portfinder.getPort({ port }, (err, p) => (err ? reject(err) : resolve(p)))),
          port,
        )
      },
    ],
    [
      'detect-port: parseInt reading, the same port twice, overlapping calls distinct',
      async () => {
        const port = await kernelPort()
        assert.equal(await detect(` ${port} `), port)
        assert.equal(await detect(port), port)
        const both = await Promise.all([detect(port), detect(port)])
        assert.equal(new Set(both).size, 2)
      },
    ],
    [
      'get-port-please: a port as text; an unknown host name finds nothing',
      async () => {
        const port = await kernelPort()
        assert.equal(await getPortPlease.getPort(String(port)), port)
        await assert.rejects(getPortPlease.getPort({ host: 'example.invalid', random: false }), { name: 'GetPortError' })
      },
    ],
  ]
}

module.exports = { checks }
