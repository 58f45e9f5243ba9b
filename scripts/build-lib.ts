/**
 * `npm run build:lib`: bundles the library for Node into dist/lib, one entry point per subpath
 * of package.json's `exports` (its `bun` source and its `default` bundle), so the map is the
 * only list of them. The worker task is an entry too: the engine loads it by URL, not by import.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')
const OUT = 'dist/lib'
/** Files loaded by URL at run time, which no export names. */
const LOADED_BY_URL = ['probe/workers/probe-task.ts']

type Conditions = Record<string, string>
const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, Conditions | string> }

/** The source of each subpath, checked against where its bundle is said to be. */
const entries = Object.entries(exports).flatMap(([subpath, target]) => {
  if (typeof target === 'string') return []
  const source = target.bun?.replace(/^\.\//, '')
  if (!source || !target.default) throw new Error(`exports["${subpath}"] needs a "bun" source and a "default" bundle`)
  const bundle = `./${OUT}/${source.replace(/\.ts$/, '.js')}`
  if (target.default !== bundle)
    throw new Error(`exports["${subpath}"].default is ${target.default}, but the bundle of ${source} is ${bundle}`)
  return [source]
})

// A fresh folder: a bundle left from an old layout must not stand in for a missing one.
rmSync(join(ROOT, OUT), { recursive: true, force: true })
const args = [
  'build',
  ...entries,
  ...LOADED_BY_URL,
  '--target=node',
  '--packages=external',
  '--splitting',
  '--outdir',
  OUT,
  '--entry-naming',
  '[dir]/[name].js',
  '--root',
  '.',
]
const built = Bun.spawnSync([process.execPath, ...args], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' })
process.exit(built.exitCode ?? 1)
