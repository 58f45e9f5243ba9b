/**
 * Drift: Vite without `strictPort` takes the next port when its own is taken ("Port 5173 is in
 * use, trying another one..."). When the server listens, the real port is compared with the one
 * berth gave; on a difference the lease follows the real port (so `berth port`, the proxy targets
 * of others and the next run agree with what runs) and one warning says so.
 */
import { moveLease, type LeaseContext } from './leases.ts'

interface Listening {
  once(event: 'listening', listener: () => void): unknown
  address(): unknown
}

export const driftLine = (service: string, leased: number, real: number, moved: boolean) =>
  moved
    ? `⚠️  [${service}] Vite listens on ${real}, not on its leased port ${leased} (strictPort is off): the lease moved to ${real}`
    : `⚠️  [${service}] Vite listens on ${real}, not on its leased port ${leased} (strictPort is off); ${real} is leased to another service, so the lease stays on ${leased}`

/** The port a server listens on, or null (a pipe, or not listening). */
const portOf = (server: Listening): number | null => {
  const address = server.address()
  return address && typeof address === 'object' && 'port' in address ? Number(address.port) : null
}

/** Watches each server the plugin configures; the warning goes out once, however often Vite restarts. */
export function driftWatcher() {
  let warned = false
  let settled: Promise<number | null> = Promise.resolve(null)
  return {
    get settled() {
      return settled
    },
    watch(server: Listening, service: string, leased: number, ctx: LeaseContext) {
      settled = new Promise((resolve) => {
        server.once('listening', () => {
          const real = portOf(server)
          if (real === null || real === leased) return resolve(real)
          moveLease(service, real, ctx).then(
            (moved) => {
              if (!warned) ctx.logger?.warn(driftLine(service, leased, real, moved))
              warned = true
              resolve(real)
            },
            (error: unknown) => {
              ctx.logger?.warn(
                `⚠️  [${service}] Vite listens on ${real}, not on its leased port ${leased}, and the lease could not be moved: ${(error as Error).message}`,
              )
              resolve(real)
            },
          )
        })
      })
    },
  }
}
