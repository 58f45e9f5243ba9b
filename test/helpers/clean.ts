/**
 * Call once at the top of a test file that allocates in this process: after each test, the
 * listeners it pushed onto the returned list are closed and the in-process claims forgotten, so no
 * test finds the ports of the one before still handed out (bun runs every test file in one process).
 */
import { afterEach } from 'bun:test'
import { clearClaims } from '../../core/claims.ts'
import { closeAll } from './sockets.ts'

export function cleanAfterEach(): Array<{ close(): Promise<void> }> {
  const held: Array<{ close(): Promise<void> }> = []
  afterEach(async () => {
    await closeAll(held)
    clearClaims()
  })
  return held
}
