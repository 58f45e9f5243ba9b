/** Every test file that can make temporary folders removes them after its tests (see test/helpers/temp.ts). */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const TEST_ROOT = import.meta.dir

/** What makes temporary folders (state directories included), directly or one for each run. */
const MAKERS = ['berth', 'runCommand', 'freshStateDir', 'tempDir', 'makeProject', 'cli', 'cliWithState']

/** tempDirs() called at the top of the file: inside a describe, its afterAll would run before later describes make theirs. */
const TOP_LEVEL_CALL = /^(?:const \w+ = )?tempDirs\(\)/m

/** The names a file imports from the test helpers. */
const helperImports = (text: string): string[] =>
  [...text.matchAll(/import \{([^}]*)\} from '[./]*helpers\/[a-z-]+\.ts'/g)].flatMap((m) =>
    m[1]!.split(',').map((name) => name.trim().split(/\s+/).pop()!),
  )

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })

describe('temporary folders', () => {
  test('a test file using a helper that makes temporary folders calls tempDirs(), which removes them after the file', () => {
    const forgetful = testFiles(TEST_ROOT)
      .filter((file) => {
        const text = readFileSync(file, 'utf8')
        return helperImports(text).some((name) => MAKERS.includes(name)) && !TOP_LEVEL_CALL.test(text)
      })
      .map((file) => relative(TEST_ROOT, file))
    expect(forgetful).toEqual([])
  })

  test('no test file makes a temporary folder of its own with mkdtemp', () => {
    const own = testFiles(TEST_ROOT)
      .filter((file) => file !== import.meta.path && readFileSync(file, 'utf8').includes('mkdtemp'))
      .map((file) => relative(TEST_ROOT, file))
    expect(own).toEqual([])
  })
})
