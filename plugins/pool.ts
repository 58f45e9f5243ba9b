import { portRange } from '../core/candidates.ts'
import { PortError } from '../core/errors.ts'
import type { PortPlugin } from '../core/types.ts'

/** A pool: a range such as `"3000-3099"` or an explicit list of ports. */
export type PoolSpec = string | readonly number[]

export interface PoolOptions {
  /** Named pools of ports per service type: the spec's "pre-allocated port ranges". */
  pools: Record<string, PoolSpec>
}

/** A pool's candidates: a range stays two numbers (read lazily), so a pool costs the size of its spec, not of its ports. */
function portsOf(name: string, spec: PoolSpec): () => Iterable<number> {
  const bad = () => new PortError('E_INVALID_OPTIONS', `pool ${JSON.stringify(name)} must be a range like "3000-3099" or a list of ports, got ${JSON.stringify(spec)}`)
  if (typeof spec === 'string') {
    const match = /^([1-9][0-9]{0,4})-([1-9][0-9]{0,4})$/.exec(spec)
    if (!match) throw bad()
    const [from, to] = [Number(match[1]), Number(match[2])]
    if (to > 65535 || to < from) throw bad()
    return () => portRange(from, to)
  }
  if (!Array.isArray(spec) || spec.length === 0 || !spec.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) throw bad()
  const ports = [...spec]
  return () => ports
}

/**
 * pool({ pools }): a request naming a pool (`pool: "web"`) draws its candidates from that pool,
 * in the pool's order, instead of `basePort..maxPort`. Requests without a pool are left alone.
 */
export function pool(options: PoolOptions): PortPlugin {
  const pools = new Map(Object.entries(options.pools).map(([name, spec]) => [name, portsOf(name, spec)]))
  return {
    name: 'pool',
    candidates(req) {
      if (req.pool === undefined) return null
      const ports = pools.get(req.pool)
      if (!ports) throw new PortError('E_INVALID_OPTIONS', `[${req.serviceName}] pool ${JSON.stringify(req.pool)} is not defined; pools: ${[...pools.keys()].join(', ') || 'none'}`)
      return ports()
    },
  }
}
