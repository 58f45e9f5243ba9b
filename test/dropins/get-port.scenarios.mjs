// get-port 7's README and source, scenario by scenario. Each runs against berth/get-port and,
// except the "berth: …" ones, against get-port itself, so the expectations are the original's.
import { LISTEN_REFUSED, assert, canBind, freeRange, rejectsPort70000 } from './helpers.mjs'

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
    'a 0 among the preferred ports asks for a random port there and then': async () => {
      const port = await freeRange(1)
      const answer = await getPort({ port: [0, port] })
      assert.ok(answer !== port && answer > 30000, String(answer))
    },
    'a falsy port or exclude is none': async () => {
      for (const options of [{ port: null }, { port: 0 }, { exclude: 0 }, { exclude: null }, { exclude: false }]) {
        assert.ok((await getPort(options)) > 1023, JSON.stringify(options))
      }
    },
    "a port listen() refuses is listen()'s RangeError": async () => {
      const port = await freeRange(1)
      await rejectsPort70000((port) => getPort({ port }))
      await assert.rejects(getPort({ port: [port + 0.5] }), {
        ...LISTEN_REFUSED,
        message: `options.port should be >= 0 and < 65536. Received type number (${port + 0.5}).`,
      })
      await assert.rejects(getPort({ port: [-1, port] }), LISTEN_REFUSED)
      // Excluded first, so never read.
      assert.equal(await getPort({ port: [-1, port], exclude: [-1] }), port)
    },
    'a port given as text comes back as text; a value listen() cannot read is its TypeError': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ port: [String(port)] }), String(port))
      await assert.rejects(getPort({ port: [true] }), {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: "The argument 'options' is invalid. Received { port: true, host: undefined }",
      })
    },
    'host: a name the resolver does not know is its error; an address this machine lacks is EADDRNOTAVAIL': async () => {
      const port = await freeRange(1)
      await assert.rejects(getPort({ port, host: 'example.invalid' }), { code: 'ENOTFOUND', hostname: 'example.invalid' })
      await assert.rejects(getPort({ host: '192.168.1.999' }), { code: 'ENOTFOUND' })
      await assert.rejects(getPort({ port, host: '192.0.2.1' }), {
        code: 'EADDRNOTAVAIL',
        message: `listen EADDRNOTAVAIL: address not available 192.0.2.1:${port}`,
      })
    },
    'berth: two concurrent calls never get the same port (15-30 s lock)': async () => {
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
