// get-port 7's README, scenario by scenario, against berth/get-port.
import { assert, canBind, freeRange } from './helpers.mjs'

export function scenarios(lib) {
  const getPort = lib.default
  const { portNumbers, clearLockedPorts } = lib
  return {
    'getPort() returns a free port': async () => {
      const port = await getPort()
      assert.ok(port >= 1024 && port <= 65535)
      assert.ok(await canBind(port))
    },
    'a free preferred port is returned': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ port }), port)
    },
    'a busy preferred port falls back to a random port': async ({ hold }) => {
      const busy = (await hold('::')).port
      const port = await getPort({ port: busy })
      assert.notEqual(port, busy)
      assert.ok(await canBind(port))
    },
    'the first free port of an array is returned': async ({ hold }) => {
      const from = await freeRange(3)
      await hold('127.0.0.1', from)
      assert.equal(await getPort({ port: [from, from + 1, from + 2] }), from + 1)
    },
    'portNumbers(from, to) gives a range, and bad bounds throw': async ({ hold }) => {
      const from = await freeRange(4)
      await hold('0.0.0.0', from)
      assert.equal(await getPort({ port: portNumbers(from, from + 3) }), from + 1)
      assert.deepEqual([...portNumbers(2000, 2002)], [2000, 2001, 2002])
      assert.throws(() => portNumbers(1023, 2000), RangeError)
      assert.throws(() => portNumbers(2000, 1999), RangeError)
      assert.throws(() => portNumbers(2000.5, 3000), TypeError)
    },
    'exclude skips ports, and must be an iterable of safe integers': async () => {
      const from = await freeRange(2)
      assert.equal(await getPort({ port: [from, from + 1], exclude: [from] }), from + 1)
      await assert.rejects(getPort({ exclude: 5 }), TypeError)
      await assert.rejects(getPort({ exclude: ['5'] }), TypeError)
    },
    'two concurrent calls never get the same port (15-30 s lock)': async () => {
      const port = await freeRange(1)
      const [a, b] = await Promise.all([getPort({ port }), getPort({ port })])
      assert.notEqual(a, b)
      assert.ok([a, b].includes(port))
    },
    'clearLockedPorts() lets a port be returned again': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ port }), port)
      assert.notEqual(await getPort({ port }), port)
      clearLockedPorts()
      assert.equal(await getPort({ port }), port)
    },
    'reserve keeps a port for the process': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ port, reserve: true }), port)
      assert.notEqual(await getPort({ port }), port)
      clearLockedPorts()
    },
    'with host, only that host is checked': async ({ hold }) => {
      const port = await freeRange(1)
      await hold('::1', port, true)
      assert.equal(await getPort({ port, host: '127.0.0.1' }), port)
      clearLockedPorts()
    },
    'berth: a port held only on ::1 (IPv6) is not free for a caller without host': async ({ hold }) => {
      const port = await freeRange(1)
      await hold('::1', port, true)
      assert.notEqual(await getPort({ port }), port)
    },
  }
}
