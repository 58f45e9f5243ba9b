/**
 * Writes the declaration files (dist/types/**.d.ts) that the package's `types` conditions name,
 * one program over every export's source file (its `bun` condition). Users' TypeScript then reads
 * declarations, never our .ts sources, so their compiler options never apply to our code.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../package.json' with { type: 'json' }

const ROOT = join(import.meta.dir, '..')
const sources = Object.values(pkg.exports).flatMap((entry) => (typeof entry === 'object' && 'bun' in entry ? [entry.bun] : []))

const config = join(ROOT, 'dist', 'tsconfig.types.json')
writeFileSync(
  config,
  JSON.stringify(
    {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: './types', rootDir: '..' },
      include: [],
      files: sources.map((file) => join('..', file)),
    },
    null,
    2,
  ),
)
rmSync(join(ROOT, 'dist', 'types'), { recursive: true, force: true })
const tsc = Bun.spawnSync([join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', config], { stdout: 'inherit', stderr: 'inherit' })
rmSync(config)
if (tsc.exitCode !== 0) process.exit(tsc.exitCode ?? 1)
