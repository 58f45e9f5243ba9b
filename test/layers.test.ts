/**
 * The layer rule (DESIGN.md "Layers", README "Layout"): a file imports only from its own layer
 * or the layers above it in LAYERS, and nothing imports an entry point. The imports are read
 * from the source text, static and dynamic, type-only ones included: a type import ties the
 * layers together as much as a value import does.
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '..')

/** The layers in order: each may import from itself and those before it. */
const LAYERS = ['core', 'probe', 'registry', 'plugins', 'project', 'spec', 'runner', 'entry'] as const
type Layer = (typeof LAYERS)[number]
/** Layers of one rank: the project file and the spec's functions build on each other (DESIGN.md's "project and spec"). */
const RANK: Record<Layer, number> = { core: 0, probe: 1, registry: 2, plugins: 3, project: 4, spec: 4, runner: 5, entry: 6 }

/** Folders (and root files) that are entry points: the package's subpaths and the binary. */
const ENTRY = ['cli', 'dropins', 'conformance', 'vite', 'index.ts']

/**
 * The one file allowed to import entry points: inside the compiled binary it answers a plugin
 * file's `import 'berth'` (and the subpaths) with the package's own modules.
 */
const SELF_IMPORTS = 'cli/self-imports.ts'

function layerOf(file: string): Layer | null {
  const top = file.split('/')[0]!
  if (ENTRY.includes(top)) return 'entry'
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : null
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '.' ? entry.name : `${dir}/${entry.name}`
    if (entry.isDirectory()) return layerOf(path) ? sourceFiles(path) : []
    return SOURCE.test(entry.name) && layerOf(path) ? [path] : []
  })
}

/** Every module specifier of a file: `import … from`, `export … from`, `import '…'` and `import('…')`. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const found: string[] = []
  for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)) found.push(match[2]!)
  return found
}

interface Violation {
  file: string
  imports: string
  why: string
}

function violations(files: readonly string[], read: (file: string) => string): Violation[] {
  const found: Violation[] = []
  for (const file of files) {
    const own = layerOf(file)!
    for (const specifier of importsOf(read(file))) {
      if (!specifier.startsWith('.')) continue
      const target = relative(ROOT, resolve(ROOT, dirname(file), specifier))
      const layer = layerOf(target)
      if (layer === null) continue
      if (layer === 'entry' && file !== SELF_IMPORTS && target.split('/')[0] !== file.split('/')[0]) {
        found.push({ file, imports: target, why: 'imports an entry point' })
      } else if (layer !== 'entry' && RANK[layer] > RANK[own]) {
        found.push({ file, imports: target, why: `${own} imports ${layer}, a layer below it` })
      }
    }
  }
  return found
}

describe('layers', () => {
  test('no file imports from a layer below its own, and nothing imports an entry point', () => {
    const files = sourceFiles('.')
    expect(files.length).toBeGreaterThan(50)
    const found = violations(files, (file) => readFileSync(join(ROOT, file), 'utf8'))
    expect(found.map((v) => `${v.file} → ${v.imports}: ${v.why}`)).toEqual([])
  })

  test('the check sees static, dynamic and type-only imports, and a lower layer or an entry point', () => {
    const text = [
      "import { a } from '../plugins/a.ts'",
      "import type { B } from '../registry/b.ts'",
      "export { c } from './c.ts'",
      "const d = await import('../spec/d.ts')",
      "import '../cli/e.ts'",
      "// import { f } from '../plugins/f.ts' (a comment is not an import)",
    ].join('\n')
    expect(importsOf(text)).toEqual(['../plugins/a.ts', '../registry/b.ts', './c.ts', '../spec/d.ts', '../cli/e.ts'])
    const found = violations(['core/x.ts'], () => text)
    expect(found.map((v) => v.imports)).toEqual(['plugins/a.ts', 'registry/b.ts', 'spec/d.ts', 'cli/e.ts'])
    expect(violations(['plugins/y.ts'], () => "import { z } from '../core/z.ts'")).toEqual([])
  })
})
