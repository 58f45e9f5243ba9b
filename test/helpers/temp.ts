import { afterAll } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Call once at the top of a test file: returns a maker of fresh temporary folders, all removed
 * after the file's tests.
 */
export function tempDirs(): (prefix: string) => string {
  const made: string[] = []
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
    made.push(dir)
    return dir
  }
}
