/** Builds the floors of berth's cold figures: what any compiled Bun binary costs (bench/floor.ts, bench/sqlite-floor.ts). */
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')

/**
 * Builds `bench/<name>.ts` into `dist/<name>` exactly like berth itself (bytecode, ESM, no
 * .env/bunfig autoload, the same JIT policy); returns its path.
 */
export function buildFloor(name = 'floor'): string {
  const outfile = join(ROOT, 'dist', name)
  const built = Bun.spawnSync(
    [
      process.execPath,
      'build',
      join(ROOT, 'bench', `${name}.ts`),
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
