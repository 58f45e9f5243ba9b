import { expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const ROOT = join(import.meta.dir, '..', '..')

/**
 * The code `berth exec` evaluates before its child's spawn when there is no project file: the
 * chunks of the exec command and of the runner's `exec`, and every chunk they import statically,
 * bundled as `build:bin` bundles them (split into chunks, before compiling).
 */
async function execChunks(): Promise<string> {
  const outdir = tempDir('berth-exec-chunks')
  const entrypoints = ['cli/main.ts', 'cli/entry/worker.ts', 'cli/entry/probe-task.ts'].map((file) => join(ROOT, file))
  const built = await Bun.build({ entrypoints, outdir, splitting: true, format: 'esm', target: 'bun', root: join(ROOT, 'cli') })
  expect(built.success).toBe(true)
  const read = (file: string) => readFileSync(join(outdir, file), 'utf8')
  const files = readdirSync(outdir).filter((file) => file.endsWith('.js'))
  const seen = new Map<string, string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = read(file)
    seen.set(file, text)
    // Static imports only: `import(...)` chunks load when the code asks for them.
    for (const [, next] of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"\.\/([^"]+)"/gms)) visit(next!)
    for (const [, next] of text.matchAll(/^import\s*"\.\/([^"]+)"/gm)) visit(next!)
  }
  const modules = ['cli/commands/exec.ts', 'runner/exec.ts']
  for (const module of modules) {
    const chunk = files.find((file) => read(file).includes(`\n// ${module}\n`))
    expect({ module, found: chunk !== undefined }).toEqual({ module, found: true })
    visit(chunk!)
  }
  return [...seen.values()].join('\n')
}

test('berth exec without a project file loads neither valibot, nor the project layer, nor what supervises the child, nor node:net, node:child_process or node:path before the spawn', async () => {
  const code = await execChunks()
  const found = [
    // Registering the self-imports brings the whole of valibot: only when a project file may import berth.
    code.includes('// cli/valibot-module.ts') && 'the whole of valibot (cli/self-imports.ts)',
    code.includes('// project/load.ts') && 'the project file loader',
    code.includes('// project/schema.ts') && "the project file's schema",
    code.includes('// project/up.ts') && "the project's allocation",
    // Readiness, conflicts, probes and the /proc readers are needed once the child exists.
    code.includes('// runner/readiness.ts') && 'readiness (runner/supervision.ts)',
    code.includes('// runner/probes.ts') && 'the probes (runner/supervision.ts)',
    code.includes('// runner/conflict.ts') && 'conflict restarts (runner/supervision.ts)',
    // The hold is Bun.listen and the spawn Bun.spawn under Bun; the Node modules are the fallback, imported on demand.
    /\bfrom\s*"node:net"/.test(code) && 'node:net',
    /\bfrom\s*"node:child_process"/.test(code) && 'node:child_process',
    /\bfrom\s*"node:path"/.test(code) && 'node:path',
  ].filter(Boolean)
  expect(found).toEqual([])
})
