// get-port-please 3's README and source, scenario by scenario. Each runs against
// berth/get-port-please and, except the "berth: …" ones, against get-port-please itself.
import { LISTEN_REFUSED, assert, canBind, freeRange, rejectsPort70000 } from './helpers.mjs'

/** get-port-please's default search: the first free port of 3000-3100 (other tests may hold some). */
const inDefaultRange = (port) => port >= 3000 && port <= 3100

/** Runs `work` with environment variables set (undefined: unset), then puts them back. */
async function withEnv(vars, work) {
  const before = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]))
  const apply = (values) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
  apply(vars)
  try {
    return await work()
  } finally {
    apply(before)
  }
}

export function scenarios(lib, _format, which = 'berth') {
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
      assert.equal(isUnsafePort(0), false)
      assert.equal(isSafePort(3000), true)
    },
    'getRandomPort gives a free port': async () => {
      const port = await getRandomPort()
      assert.ok(await canBind(port))
    },
    'checkPort: the port when free, false when busy': async ({ hold }) => {
      const port = await freeRange(1)
      assert.equal(await checkPort(port), port)
      await hold('::', port)
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
    'waitForPort: an unsafe port, or a host that cannot be bound, ends the wait at once': async () => {
      await waitForPort(6666, { retries: 1, delay: 20 })
      await waitForPort(await freeRange(1), { host: 'example.invalid', retries: 1, delay: 20 })
    },
    'getSocketAddress names the socket': async () => {
      assert.match(getSocketAddress({ name: 'app' }), /app\.sock$/)
    },
    'getPort() with no port and PORT unset answers from 3000-3100; port 0 or PORT="" a random port': async () => {
      await withEnv({ PORT: undefined, HOST: undefined }, async () => {
        assert.ok(inDefaultRange(await getPort()))
        assert.ok(inDefaultRange(await getPort({})))
        assert.ok(!inDefaultRange(await getPort({ port: 0 })))
        assert.ok(!inDefaultRange(await getPort(0)))
      })
      await withEnv({ PORT: '' }, async () => assert.ok(!inDefaultRange(await getPort())))
    },
    'PORT is read with Number(): text that is not a number means none given': async () => {
      const port = await freeRange(1)
      await withEnv({ PORT: 'abc' }, async () => assert.ok(inDefaultRange(await getPort())))
      await withEnv({ PORT: `${port}abc` }, async () => assert.ok(inDefaultRange(await getPort())))
      await withEnv({ PORT: ` ${port} ` }, async () => assert.equal(await getPort(), port))
    },
    'a number or text is read with parseInt(); an option with Number()': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort(`${port}.5`), port)
      assert.equal(await getPort(`${port}abc`), port)
      assert.equal(await getPort({ port: String(port) }), port)
      // An option that is not a number still counts as asked: 3000 alone is tried, not 3000-3100.
      const answer = await getPort({ port: 'abc', random: false }).catch((error) => error.message)
      assert.ok(answer === 3000 || answer === 'Unable to find an available port on any host (tried )', String(answer))
    },
    "a port listen() refuses is listen()'s RangeError": async () => {
      const port = await freeRange(1)
      await rejectsPort70000((port) => getPort({ port }))
      await assert.rejects(getPort({ port: port + 0.5 }), LISTEN_REFUSED)
      await assert.rejects(getPort({ ports: [-1] }), LISTEN_REFUSED)
      await assert.rejects(checkPort(70000), LISTEN_REFUSED)
      await assert.rejects(getPort({ ports: [true] }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
      // checkPort answers the port as it was given.
      assert.equal(await checkPort(String(port)), String(port))
    },
    'a host name the resolver does not know finds no port, and says so': async () => {
      await withEnv({ HOST: undefined }, async () => {
        const port = await freeRange(1)
        await assert.rejects(getPort({ port, host: 'example.invalid' }), {
          name: 'GetPortError',
          message: 'Unable to find a random port on host "example.invalid"',
        })
        await assert.rejects(getPort({ port, host: '192.168.1.999', random: false }), {
          name: 'GetPortError',
          message: `Unable to find an available port on host "192.168.1.999" (tried ${port})`,
        })
        // The original resolves the name once per port: 101 slow lookups here (the same message, checked by hand).
        if (which !== 'original') {
          await assert.rejects(getPort({ host: 'example.invalid' }), {
            name: 'GetPortError',
            message: 'Unable to find a random port on host "example.invalid"',
          })
          await assert.rejects(getPort({ host: '192.168.1.999', random: false }), {
            name: 'GetPortError',
            message: 'Unable to find an available port on host "192.168.1.999" (tried 3000-3100)',
          })
        }
        assert.equal(await checkPort(await freeRange(1), 'example.invalid'), false)
      })
      await withEnv({ HOST: 'example.invalid' }, async () => {
        await assert.rejects(getRandomPort(), { name: 'GetPortError', message: 'Unable to find a random port on any host' })
      })
    },
    'an address this machine does not have finds no port': async () => {
      await assert.rejects(getPort({ port: await freeRange(1), host: '192.0.2.1' }), {
        message: 'Unable to find a random port on host "192.0.2.1"',
      })
    },
    'sequential calls answer the same free port again: nothing is remembered': async () => {
      const port = await freeRange(1)
      assert.equal(await getPort({ port }), port)
      assert.equal(await getPort({ port }), port)
      assert.equal(await getPort(await getPort(port)), port)
    },
    'berth: calls that overlap in time get different ports': async () => {
      const port = await freeRange(3)
      const answers = await Promise.all([
        getPort({ port, portRange: [port, port + 2] }),
        getPort(port),
        getPort({ port, host: '127.0.0.1' }),
      ])
      assert.equal(new Set(answers).size, 3)
      assert.equal(await getPort(port), port)
    },
    'berth: a port held only on ::1 (IPv6) is busy': async ({ hold }) => {
      const port = await freeRange(1)
      await hold('::1', port, true)
      assert.equal(await checkPort(port), false)
      assert.notEqual(await getPort(port), port)
    },
  }
}
