// Plain-JS helpers for the drop-in scenarios, which run under Bun and under Node.
import { createServer } from 'node:net'
import assert from 'node:assert/strict'

export { assert }

/** Listens for real; port 0 lets the kernel pick. */
export function hold(host, port = 0, ipv6Only = false) {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ host, port, ipv6Only, exclusive: true }, () =>
      resolve({ port: server.address().port, close: () => new Promise((done) => server.close(() => done())) }))
  })
}

export async function canBind(port, host = '::') {
  try {
    await (await hold(host, port)).close()
    return true
  } catch {
    return false
  }
}

/** `count` consecutive ports below the ephemeral range, free right now (held, checked, released). */
export async function freeRange(count) {
  for (let tries = 0; tries < 50; tries++) {
    const from = 20000 + Math.floor(Math.random() * 10000)
    const held = []
    try {
      for (let port = from; port < from + count; port++) held.push(await hold('::', port))
      return from
    } catch {
      // taken: try elsewhere
    } finally {
      await Promise.all(held.map((h) => h.close()))
    }
  }
  throw new Error(`no ${count} free consecutive ports`)
}

/** Runs each scenario, collecting { name, ok, error } so the caller sees every failure at once. */
export async function runAll(scenarios) {
  const results = []
  for (const [name, run] of Object.entries(scenarios)) {
    const opened = []
    try {
      await run({ hold: async (...args) => { const h = await hold(...args); opened.push(h); return h } })
      results.push({ name, ok: true })
    } catch (error) {
      results.push({ name, ok: false, error: String(error?.stack ?? error) })
    } finally {
      await Promise.all(opened.map((h) => h.close()))
    }
  }
  return results
}
