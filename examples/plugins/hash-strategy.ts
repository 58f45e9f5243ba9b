/**
 * A third-party strategy with an option of its own: each service starts its search at a port
 * derived from a hash of its name and a `seed`, so services spread over the range instead of all
 * crowding `basePort`, and a service lands on the same spot every time. Written as any plugin
 * author would: `berth` for the contract, valibot for the option's schema.
 *
 * - library: `createAllocator({ plugins: [hashStrategy()] }).allocate({ …, options: { hash: { seed: 7 } } })`
 * - binary: `berth get web --plugin examples/plugins/hash-strategy.ts --options '{"hash":{"seed":7}}'`
 * - berth.config.json: `"plugins": ["./hash-strategy.ts"]`, and a service's `"options": { "hash": { "seed": 7 } }`
 */
import { definePlugin, optionsOf } from 'berth'
import * as v from 'valibot'

/** Per request, under the plugin's name: `options: { hash: { seed: 7 } }`. */
export const HashOptions = v.strictObject({
  seed: v.optional(
    v.pipe(v.number('seed must be a number'), v.integer('seed must be a whole number'), v.minValue(0, 'seed must not be negative')),
    0,
  ),
})

/** FNV-1a, 32 bits: small, fast, and the same on every machine. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (const char of new TextEncoder().encode(text)) hash = Math.imul(hash ^ char, 0x01000193) >>> 0
  return hash
}

export default function hashStrategy() {
  return definePlugin({
    name: 'hash',
    options: HashOptions,
    // The strategy: from the hashed spot to the end of the range, then from its start; every port once.
    *candidates(req) {
      const seed = optionsOf(req, 'hash', HashOptions)?.seed ?? 0
      const start = req.basePort + (fnv1a(`${seed}:${req.serviceName}`) % (req.maxPort - req.basePort + 1))
      for (let port = start; port <= req.maxPort; port++) yield port
      for (let port = req.basePort; port < start; port++) yield port
    },
  })
}
