// get-port-please 3's README, scenario by scenario, against berth/get-port-please.
import { assert, canBind, freeRange } from './helpers.mjs'

export function scenarios(lib) {
  const { getPort, getRandomPort, checkPort, waitForPort, isUnsafePort, isSafePort, getSocketAddress } = lib
  return {
    'a free port is returned as asked, as an option, a number or a string': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ port }), port)
      const other = await freeRange(1)
      assert.equal(await getPort(other), other)
      const third = await freeRange(1)
      assert.equal(await getPort(String(third)), third)
    },
    'ports, then portRange, are tried after port': async ({ hold }) => {
      const from = await freeRange(4)
      await hold('::', from)
      assert.equal(await getPort({ port: from, ports: [from + 1] }), from + 1)
      await hold('127.0.0.1', from + 2)
      assert.equal(await getPort({ port: from, portRange: [from + 2, from + 3] }), from + 3)
    },
    'unsafe ports are skipped; isUnsafePort and isSafePort': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ ports: [6666, port] }), port)
      assert.equal(isUnsafePort(6666), true)
      assert.equal(isSafePort(3000), true)
    },
    'getRandomPort gives a free port': async () => {
      const port = await getRandomPort()
      assert.ok(await canBind(port))
    },
    'checkPort: the port when free, false when busy': async ({ hold }) => {
      const port = await freeRange(1)
      assert.equal(await checkPort(port), port)
      await hold('::1', port, true)
      assert.equal(await checkPort(port), false)
    },
    'with random: false and nothing free, a GetPortError': async ({ hold }) => {
      const busy = (await hold('::')).port
      await assert.rejects(getPort({ port: busy, random: false }), { name: 'GetPortError' })
    },
    'waitForPort resolves once something listens, and times out otherwise': async ({ hold }) => {
      const port = await freeRange(1)
      await assert.rejects(waitForPort(port, { retries: 2, delay: 20 }), /Timeout waiting for port/)
      await hold('::', port)
      await waitForPort(port, { retries: 2, delay: 20 })
    },
    'getSocketAddress names the socket': async () => {
      assert.match(getSocketAddress({ name: 'app' }), /app\.sock$/)
    },
    'berth: PORT="abc" is an error that names it, not a silent 3000': async () => {
      const before = process.env.PORT
      process.env.PORT = 'abc'
      try {
        await assert.rejects(getPort(), /Invalid port in PORT: "abc"/)
      } finally {
        if (before === undefined) delete process.env.PORT
        else process.env.PORT = before
      }
    },
  }
}
