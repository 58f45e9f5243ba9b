/**
 * The in-process claim: every port handed out in this process, shared by all allocators,
 * so concurrent calls never get the same port. A port stays claimed until it is released.
 * Checking and adding happen in one synchronous step, so no await can split them.
 */
const claimed = new Set<number>()

export function isClaimed(port: number): boolean {
  return claimed.has(port)
}

/** Claims `port` for the caller; false when someone in this process already holds it. */
export function tryClaim(port: number): boolean {
  if (claimed.has(port)) return false
  claimed.add(port)
  return true
}

export function releaseClaim(port: number): boolean {
  return claimed.delete(port)
}

/** Forgets every claim (get-port's `clearLockedPorts`). */
export function clearClaims(): void {
  claimed.clear()
}
