/**
 * exclusions(): the ports berth does not hand out by default, each part switchable:
 * browser-unsafe ports (WHATWG "bad ports"), the OS ephemeral range (where the kernel picks
 * outgoing ports, so a service there can collide with any connection), and privileged ports
 * for a user who cannot bind them.
 */
import { readProc } from '../probe/proc.ts'
import { isBrowserUnsafe } from './unsafe-ports.ts'
import type { PortPlugin } from '../core/types.ts'

export interface ExclusionOptions {
  /** @default true */
  browserUnsafe?: boolean
  /** @default true */
  ephemeral?: boolean
  /** @default true */
  privileged?: boolean
}

interface Limits {
  ephemeral: [number, number] | null
  /** Ports below this need privileges (Linux: net.ipv4.ip_unprivileged_port_start). */
  unprivilegedStart: number
}

/** Reads only what the policies in force need; both at once, since each read is a round trip through Bun's file reader. */
async function readLimits(needRange: boolean, needStart: boolean): Promise<Limits> {
  const [rangeText, startText] = await Promise.all([
    needRange ? readProc('/proc/sys/net/ipv4/ip_local_port_range') : '',
    needStart ? readProc('/proc/sys/net/ipv4/ip_unprivileged_port_start') : '',
  ])
  const range = rangeText.trim().split(/\s+/).map(Number)
  return {
    ephemeral: range.length === 2 && range.every(Number.isInteger) ? [range[0]!, range[1]!] : null,
    unprivilegedStart: /^[0-9]+$/.test(startText.trim()) ? Number(startText.trim()) : 1024,
  }
}

export function exclusions(options: ExclusionOptions = {}): PortPlugin {
  const { browserUnsafe = true, ephemeral = true, privileged = true } = options
  let limits: Limits = { ephemeral: null, unprivilegedStart: 1024 }
  const root = globalThis.process?.geteuid?.() === 0
  // The reads start here rather than in setup, so they overlap the rest of a cold start (scenario 4),
  // and only when a policy that needs them is on.
  const needStart = privileged && !root
  const reading = ephemeral || needStart ? readLimits(ephemeral, needStart) : Promise.resolve(limits)
  return {
    name: 'exclusions',
    async setup() {
      limits = await reading
    },
    accept(port) {
      if (browserUnsafe && isBrowserUnsafe(port)) return 'browser-unsafe'
      if (ephemeral && limits.ephemeral && port >= limits.ephemeral[0] && port <= limits.ephemeral[1]) return 'ephemeral'
      if (privileged && !root && port < limits.unprivilegedStart) return 'privileged'
      return true
    },
  }
}
