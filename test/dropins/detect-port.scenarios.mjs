// detect-port 2's README, scenario by scenario, against berth/detect-port.
import { assert, canBind, freeRange } from './helpers.mjs'

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
      assert.equal(await new Promise((resolve, reject) => detect({ port: other, hostname: '127.0.0.1', callback: (err, p) => (err ? reject(err) : resolve(p)) })), other)
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
    'berth: a port held only on ::1 (IPv6) is busy': async ({ hold }) => {
      const port = await freeRange(2)
      await hold('::1', port, true)
      assert.equal(await detect(port), port + 1)
    },
    'berth: text that is not a port is refused, never read as one': async () => {
      await assert.rejects(detect('3000abc'), TypeError)
      await assert.rejects(detect('1e3'), TypeError)
    },
  }
}
