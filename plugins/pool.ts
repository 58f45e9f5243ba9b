import * as v from 'valibot'
import { portRange } from '../core/candidates.ts'
import { PortError } from '../core/errors.ts'
import { optionsOf } from '../core/plugin-options.ts'
import type { PortPlugin } from '../core/types.ts'

/** Per request, `options: { pool: { name: 'web' } }`: draw from that pool. */
export const PoolRequestOptions = v.strictObject({
  name: v.pipe(v.string('expected a pool name'), v.minLength(1, 'expected a pool name')),
})

/** The checked value of a request's `options.pool`. */
export type PoolRequest = v.InferOutput<typeof PoolRequestOptions>

/** A pool: a range such as `"3000-3099"` or an explicit list of ports. */
export type PoolSpec = string | readonly number[]

export interface PoolOptions {
  /** Named pools of ports per service type: the spec's "pre-allocated port ranges". */
  pools: Record<string, PoolSpec>
}

/** A pool's candidates: a range stays two numbers (read lazily), so a pool costs the size of its spec, not of its ports. */
function portsOf(name: string, spec: PoolSpec): { ports: () => Iterable<number>; has: (port: number) => boolean } {
  const bad = () =>
    new PortError(
      'E_INVALID_OPTIONS',
      `pool ${JSON.stringify(name)} must be a range like "3000-3099" or a list of ports, got ${JSON.stringify(spec)}`,
    )
  if (typeof spec === 'string') {
    const match = /^([1-9][0-9]{0,4})-([1-9][0-9]{0,4})$/.exec(spec)
    if (!match) throw bad()
    const [from, to] = [Number(match[1]), Number(match[2])]
    if (to > 65535 || to < from) throw bad()
    return { ports: () => portRange(from, to), has: (port) => port >= from && port <= to }
  }
  if (!Array.isArray(spec) || spec.length === 0 || !spec.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) throw bad()
  const ports = [...spec]
  const members = new Set(ports)
  return { ports: () => ports, has: (port) => members.has(port) }
}

/** `basePort` first when the pool has it (the port the request prefers), then the pool in its order. */
function* startingAt(basePort: number, ports: Iterable<number>, has: (port: number) => boolean): Generator<number> {
  if (has(basePort)) yield basePort
  for (const port of ports) if (port !== basePort) yield port
}

/**
 * pool({ pools }): a request naming a pool (`options: { pool: { name: "web" } }`, `"pool": "web"`
 * in berth.config.json) draws its candidates from that pool instead of `basePort..maxPort`:
 * its `basePort` first when the pool holds it, then the pool in order. Requests without a pool
 * are left alone.
 */
export function pool(options: PoolOptions): PortPlugin {
  const pools = new Map(Object.entries(options.pools).map(([name, spec]) => [name, portsOf(name, spec)]))
  return {
    name: 'pool',
    options: PoolRequestOptions,
    candidates(req) {
      const name = optionsOf(req, 'pool', PoolRequestOptions)?.name
      if (name === undefined) return null
      const pool = pools.get(name)
      if (!pool)
        throw new PortError(
          'E_INVALID_OPTIONS',
          `[${req.serviceName}] pool ${JSON.stringify(name)} is not defined; pools: ${[...pools.keys()].join(', ') || 'none'}`,
        )
      return startingAt(req.basePort, pool.ports(), pool.has)
    },
  }
}
