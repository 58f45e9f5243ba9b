// Plain-JS helpers for the drop-in scenarios, which run under Bun and under Node.
import assert from 'node:assert/strict'
import { hold } from 'berth-ports/conformance'

export { assert }

// The socket helpers are the conformance suite's (berth-ports/conformance), so there is one copy.
export { canBind, freeRange, hold } from 'berth-ports/conformance'

/** What listen() throws for a port it cannot read, as every original passes it on. */
export const LISTEN_REFUSED = { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' }

/** `call` rejects port 70000 with listen()'s own RangeError and message. */
export const rejectsPort70000 = (call) =>
  assert.rejects(call(70000), {
    ...LISTEN_REFUSED,
    message: 'options.port should be >= 0 and < 65536. Received type number (70000).',
  })

/** Runs each scenario, collecting { name, ok, error } so the caller sees every failure at once. */
export async function runAll(scenarios) {
  const results = []
  for (const [name, run] of Object.entries(scenarios)) {
    const opened = []
    try {
      await run({
        hold: async (...args) => {
          const h = await hold(...args)
          opened.push(h)
          return h
        },
      })
      results.push({ name, ok: true })
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.stack ?? error) })
    } finally {
      await Promise.all(opened.map((h) => h.close()))
    }
  }
  return results
}
