/**
 * The one way tests make temporary folders (state directories included), and remove them.
 *
 * Every folder is made under the system's temp folder with mkdtemp and remembered here. A test file
 * calls `tempDirs()` once at its top: that registers an afterAll which removes every folder made
 * while the file ran (bun runs test files one after the other in one process, so these are that
 * file's). test/temp-dirs.test.ts fails for a test file that uses these helpers without the call
 * (bun test does not run process 'exit' handlers, so nothing else would remove its folders).
 */
import { afterAll } from 'bun:test'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []

function removeMade(): void {
  for (const dir of made.splice(0)) {
    // A test may have locked a folder (chmod 0) to see berth refuse it; root removes it regardless,
    // but a folder left 0o000 by a test that dropped privileges still needs its mode back first.
    try {
      chmodSync(dir, 0o700)
    } catch {}
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A fresh, empty temporary folder named `<prefix>-XXXXXX`, removed after the test file. */
export function tempDir(prefix = 'berth-test'): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  made.push(dir)
  return dir
}

/**
 * A path for a new lease registry that does not exist yet (berth creates it with its own modes), in
 * a fresh temporary folder: leases from one test never make another's ports sticky.
 */
export const freshStateDir = (): string => join(tempDir('berth-state'), 'state')

/**
 * Call once at the top of a test file (or a describe): removes every temporary folder made while
 * it ran, after its tests. Returns the maker, for files that name their folders.
 */
export function tempDirs(): (prefix: string) => string {
  afterAll(removeMade)
  return tempDir
}
