import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const ROOT = join(import.meta.dir, '..', '..')

/**
 * The code a cold `berth get` evaluates: the entry and every chunk it imports statically, bundled
 * as `build:bin` bundles them (split into chunks, before compiling).
 */
async function entryChunks(): Promise<Map<string, string>> {
  const outdir = tempDir('berth-chunks')
  const entrypoints = ['cli/main.ts', 'cli/entry/worker.ts', 'cli/entry/probe-task.ts'].map((file) => join(ROOT, file))
  const built = await Bun.build({ entrypoints, outdir, splitting: true, format: 'esm', target: 'bun', root: join(ROOT, 'cli') })
  expect(built.success).toBe(true)
  const chunks = new Map<string, string>()
  const visit = (file: string) => {
    if (chunks.has(file)) return
    const text = readFileSync(join(outdir, file), 'utf8')
    chunks.set(file, text)
    // Static imports only: `import(...)` chunks load when a command or a plugin file needs them.
    for (const [, next] of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"\.\/([^"]+)"/gms)) visit(next!)
  }
  visit('main.js')
  return chunks
}

test('a cold berth get evaluates neither the whole of valibot nor an options schema of a plugin it was not given', async () => {
  const chunks = await entryChunks()
  expect(chunks.size).toBeGreaterThan(1)
  const code = [...chunks.values()].join('\n')
  // The core's own request schema is built on first use from the few valibot functions it names.
  expect(code.includes('function strictObject(')).toBe(true)
  const found = [
    // valibot's regex constants and namespace object come only with the whole library, which plugin files get (cli/valibot-module.ts).
    code.includes('EMOJI_REGEX') && 'the whole of valibot',
    /__export\(exports_(dist|valibot)/.test(code) && "valibot's namespace object",
    // Built at import time, a schema costs every cold start; every allocator has the environment preference.
    /^var EnvPreferenceRequestOptions = /m.test(code) && "the environment preference's options schema",
  ].filter(Boolean)
  expect(found).toEqual([])
})
