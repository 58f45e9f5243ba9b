/**
 * The README's code, run as written, so it stays true:
 * - every ```ts / ```js block that imports berth (`from 'berth-ports'`, `'berth-ports/…'`) is
 *   type-checked and run under Bun, in a folder where the package is installed
 *   (node_modules/berth-ports → this checkout),
 *   each with a fresh lease registry. A block whose info string says `file=NAME` is saved under
 *   that name, so later blocks can import it; such a file runs only when its name ends in `.test.ts`
 *   (then under `bun test`). A block marked `norun` (one that needs what a test cannot give it) is
 *   only type-checked.
 * - every ```json block parses, and one with `environments` passes the project file's schema.
 * - every ```sh block marked `runnable` runs line by line in that folder, with the compiled binary
 *   on the PATH as the README says: each line must exit 0 or 1 (1: a port is busy, as documented),
 *   never with a usage (2) or internal (70) error.
 */
import { describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfig } from '../../project/schema.ts'
import { ROOT, binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

interface Block {
  lang: string
  /** `file=hash-strategy.ts` → { file: 'hash-strategy.ts' }; `runnable` → { runnable: true }. */
  attrs: Record<string, string | true>
  code: string
  /** Where the block starts in README.md, for the test's name. */
  line: number
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S+)(.*)$/.exec(lines[i]!)
    if (!open) {
      if (lines[i]!.startsWith('```')) i = lines.findIndex((l, j) => j > i && l.startsWith('```')) // an unlabelled block: skip it whole
      if (i < 0) break
      continue
    }
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'))
    if (end < 0) throw new Error(`README.md:${i + 1}: a code block that never closes`)
    const attrs = Object.fromEntries(
      open[2]!
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => {
          const eq = word.indexOf('=')
          return eq < 0 ? [word, true] : [word.slice(0, eq), word.slice(eq + 1)]
        }),
    )
    blocks.push({ lang: open[1]!, attrs, code: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1 })
    i = end
  }
  return blocks
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const blocks = codeBlocks(readme)
const importsBerth = /from\s+['"]berth-ports(\/[^'"]*)?['"]/
const scripts = blocks.filter((b) => ['ts', 'js', 'typescript', 'javascript'].includes(b.lang) && importsBerth.test(b.code))
const nameOf = (b: Block) => (typeof b.attrs.file === 'string' ? b.attrs.file : `readme-${b.line}.${b.lang.startsWith('j') ? 'js' : 'ts'}`)

/** A folder that has berth installed, as a user's project would, holding every script block. */
function userProject(): string {
  const dir = tempDir('berth-readme')
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(ROOT, join(dir, 'node_modules', 'berth-ports'))
  // Installed with berth, as npm would: the plugin guide's options schema imports it.
  symlinkSync(join(ROOT, 'node_modules', 'valibot'), join(dir, 'node_modules', 'valibot'))
  // Shell lines name the example project as they would from a clone of this repository.
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'))
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'))
  // Snippets show values they do not use afterwards; everything else is checked as berth's own code is.
  const tsconfig = {
    compilerOptions: { ...compilerOptions, noUnusedLocals: false, typeRoots: [join(ROOT, 'node_modules')] },
    include: ['*.ts', '*.js'],
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  for (const block of scripts) writeFileSync(join(dir, nameOf(block)), block.code)
  return dir
}

const project = userProject()
const env = () => ({ BERTH_STATE_DIR: freshStateDir(), NODE_ENV: '' })

describe('README.md', () => {
  test('has the blocks this test knows how to run', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(4)
    expect(blocks.some((b) => b.lang === 'sh' && b.attrs.runnable)).toBe(true)
  })

  test('every script block that imports berth type-checks', async () => {
    const ran = await runCommand([process.execPath, join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {}, project)
    expect(ran.stdout + ran.stderr).toBe('')
    expect(ran.code).toBe(0)
  }, 60_000)

  for (const block of scripts) {
    const file = nameOf(block)
    if (block.attrs.norun || (typeof block.attrs.file === 'string' && !file.endsWith('.test.ts'))) continue
    test(`the block at line ${block.line} runs (${file})`, async () => {
      const cmd = file.endsWith('.test.ts') ? [process.execPath, 'test', `./${file}`] : [process.execPath, 'run', `./${file}`]
      const ran = await runCommand(cmd, env(), project)
      if (ran.code !== 0) console.error(ran.stdout, ran.stderr)
      expect(ran.code).toBe(0)
    }, 60_000)
  }

  for (const block of blocks.filter((b) => b.lang === 'json')) {
    test(`the JSON block at line ${block.line} parses${block.code.includes('"environments"') ? ' and is a valid project file' : ''}`, () => {
      const value = JSON.parse(block.code)
      if ('environments' in value) expect(() => parseConfig(value, `README.md:${block.line}`)).not.toThrow()
    })
  }

  for (const block of blocks.filter((b) => b.lang === 'sh' && b.attrs.runnable)) {
    test(`the shell block at line ${block.line} runs line by line with dist/ on the PATH`, async () => {
      const path = `${join(binary(), '..')}:${process.env.PATH}`
      const shared = env()
      const lines = block.code.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'))
      const failed: Array<{ line: string; code: number; stderr: string }> = []
      for (const line of lines) {
        // One registry for the block, so `berth release web` finds the lease `berth get web` made.
        const ran = await runCommand(['sh', '-c', line], { ...shared, PATH: path }, project)
        if (ran.code > 1 || ran.stderr.includes('internal error')) failed.push({ line, code: ran.code, stderr: ran.stderr })
      }
      expect(lines.length).toBeGreaterThan(0)
      expect(failed).toEqual([])
    }, 60_000)
  }
})
