/** Builds dist/floor from bench/floor.ts: what any compiled Bun binary costs, the floor of berth's cold figures. */
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')

/** Built exactly like berth itself (bytecode, ESM, no .env/bunfig autoload, the same JIT policy); returns its path. */
export function buildFloor(): string {
  const outfile = join(ROOT, 'dist/floor')
  const built = Bun.spawnSync(
    [
      process.execPath,
      'build',
      join(ROOT, 'bench/floor.ts'),
      '--compile',
      '--minify',
      '--bytecode',
      '--format=esm',
      '--no-compile-autoload-dotenv',
      '--no-compile-autoload-bunfig',
      '--compile-jit-policy=4',
      '--outfile',
      outfile,
    ],
    { stdout: 'ignore' },
  )
  if (built.exitCode !== 0) throw new Error(`building ${outfile} failed: ${built.stderr.toString()}`)
  return outfile
}
