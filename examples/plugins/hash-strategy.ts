/**
 * An example strategy plugin: each service's first candidate is a port derived from a hash of
 * its name, so every service gets its own stable spot in the range instead of all crowding
 * `basePort`. Load it with `berth get web --plugin examples/plugins/hash-strategy.ts` or list it
 * in `plugins` of berth.config.json. Test it with berth's conformance suite (test/project/plugins.test.ts).
 */
import type { PortPlugin } from '../../core/types.ts'

/** FNV-1a, 32 bits: small, fast, and the same on every machine. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (const char of new TextEncoder().encode(text)) hash = Math.imul(hash ^ char, 0x01000193) >>> 0
  return hash
}

export default function hashStrategy(): PortPlugin {
  return {
    name: 'hash-strategy',
    // `preferred` puts this port in front of `basePort`; the rest of the range follows as usual.
    preferred: (req) => req.basePort + (fnv1a(req.serviceName) % (req.maxPort - req.basePort + 1)),
  }
}
