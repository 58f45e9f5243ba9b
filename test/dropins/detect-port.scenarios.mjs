// detect-port 2's README and source, scenario by scenario. Each runs against berth/detect-port and,
// except the "berth: …" ones, against detect-port itself, so the expectations are the original's.
import { assert, canBind, freeRange } from './helpers.mjs'

/** A random port: detect-port's answer when nothing in its range can be had (kernel ports lie above 30000). */
const isRandom = (port) => Number.isInteger(port) && port > 30000 && port <= 65535

export function scenarios(lib) {
  const detect = lib.default
  const { detectPort, waitPort, IPAddressNotAvailableError } = lib
  return {
    'the default export, detect and detectPort are the same function': async () => {
      assert.equal(typeof detect, 'function')
      assert.equal(lib.detect, detectPort)
    },
    'a free port is returned as it is; a busy one gives the next': async ({ hold }) => {
      const port = await freeRange(2)
      assert.equal(await detect(port), port)
      await hold('::', port + 1)
      assert.equal(await detect(port + 1), port + 2)
    },
    'no port (or 0) gives a random free port': async () => {
      const port = await detect()
      assert.ok(port > 0 && (await canBind(port)))
    },
    'the callback form and the { port, hostname, callback } form': async () => {
      const port = await freeRange(1)
      assert.equal(await new Promise((resolve, reject) => detect(port, (err, p) => (err ? reject(err) : resolve(p)))), port)
      const other = await freeRange(1)
      assert.equal(
        await new Promise((resolve, reject) =>
          detect({ port: other, hostname: '127.0.0.1', callback: (err, p) => (err ? reject(err) : resolve(p)) }),
        ),
        other,
      )
    },
    'when the port and the nine after it are busy, a random port (outside that range)': async ({ hold }) => {
      const from = await freeRange(10)
      for (let port = from; port < from + 10; port++) await hold('0.0.0.0', port)
      const port = await detect(from)
      assert.ok(port < from || port >= from + 10)
      assert.ok(await canBind(port))
    },
    'an address this machine does not have is an IPAddressNotAvailableError': async () => {
      await assert.rejects(detect({ port: await freeRange(1), hostname: '192.0.2.1' }), IPAddressNotAvailableError)
    },
    'waitPort resolves once something listens, and gives up after its retries': async ({ hold }) => {
      const port = await freeRange(1)
      await assert.rejects(waitPort(port, { retries: 2, retryInterval: 20 }), { name: 'WaitPortRetryError' })
      await hold('::', port)
      assert.equal(await waitPort(port, { retries: 2, retryInterval: 20 }), true)
    },
    'waitPort: a port detect-port never answers as it is (text, 0) counts as listened on': async () => {
      const port = await freeRange(1)
      assert.equal(await waitPort(String(port), { retries: 1, retryInterval: 20 }), true)
      assert.equal(await waitPort(0, { retries: 1, retryInterval: 20 }), true)
    },
    'sequential calls answer the same free port again: nothing is remembered': async () => {
      const port = await freeRange(1)
      assert.equal(await detect(port), port)
      assert.equal(await detect(port), port)
      assert.equal(await detect(await detect(port)), port)
      assert.equal(await new Promise((resolve) => detect(port, (_err, p) => resolve(p))), port)
    },
    'the port is read with parseInt(port) || 0': async () => {
      const port = await freeRange(1)
      assert.equal(await detect(port + 0.5), port)
      assert.equal(await detect(` ${port} `), port)
      assert.equal(await detect(`${port}abc`), port)
      for (const garbage of ['oooo', 'invalid', -100, 70000, null, true]) {
        const answer = await detect(garbage)
        assert.ok(isRandom(answer), `${JSON.stringify(garbage)} answered ${answer}`)
      }
    },
    'a host name the resolver does not know (ENOTFOUND) answers the port as it is': async () => {
      const port = await freeRange(1)
      assert.equal(await detect({ port, hostname: 'example.invalid' }), port)
      assert.equal(await detect({ port, hostname: '192.168.1.999' }), port)
      assert.equal(await detect({ port: 0, hostname: 'example.invalid' }), 0)
    },
    "the object's callback replaces a second argument, even when it has none": async () => {
      const port = await freeRange(1)
      let called = false
      assert.equal(await detect({ port }, () => (called = true)), port)
      assert.equal(called, false)
    },
    'a callback that throws is called again with its own error': async () => {
      const port = await freeRange(1)
      const calls = []
      await detect(port, (err, p) => {
        calls.push([err?.message, p])
        if (!err) throw new Error('boom')
      })
      assert.deepEqual(calls, [
        [undefined, port],
        ['boom', undefined],
      ])
    },
    'berth: calls that overlap in time get different ports': async () => {
      const port = await freeRange(3)
      const answers = await Promise.all([detect(port), detect(port), detect({ port, hostname: '127.0.0.1' })])
      assert.equal(new Set(answers).size, 3)
      assert.ok(answers.includes(port))
      assert.equal(await detect(port), port)
    },
    'berth: a port held only on ::1 (IPv6) is busy': async ({ hold }) => {
      const port = await freeRange(2)
      await hold('::1', port, true)
      assert.equal(await detect(port), port + 1)
    },
  }
}
