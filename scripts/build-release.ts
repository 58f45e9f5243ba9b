/**
 * Builds the release (dist/release/): the compiled binary for every target, each in an archive
 * with LICENSE, the man page and the completions, plus SHA256SUMS and install.sh.
 *
 * Bun cross-compiles by embedding the target's own Bun runtime. We fetch each one with
 * `npm pack @oven/bun-<os>-<arch>` (npm checks it against the registry's integrity) at the pinned
 * Bun's version, and hand it to `--compile-executable-path`, so the build reaches nothing but the
 * npm registry; the compile step itself runs with a proxy that goes nowhere, so a Bun that tried
 * its own download would fail instead of quietly fetching something else.
 *
 * Usage: bun scripts/build-release.ts [target ...]   (default: every target)
 */
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import pkg from '../package.json' with { type: 'json' }
import { TARGETS, type Target } from './release-targets.ts'

const ROOT = join(import.meta.dir, '..')
const DIST = join(ROOT, 'dist')
const OUT = join(DIST, 'release')
// Kept outside node_modules, which `npm ci` empties: the runtimes are large and change only with Bun.
const RUNTIMES = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth-release', `bun-${pkg.devDependencies.bun}`)
// Archives carry this time, so the same source builds byte-identical archives.
const EPOCH = process.env.SOURCE_DATE_EPOCH ?? git(['log', '-1', '--format=%ct']) ?? '0'

function git(args: string[]): string | undefined {
  const ran = Bun.spawnSync(['git', ...args], { cwd: ROOT })
  return ran.exitCode === 0 ? ran.stdout.toString().trim() : undefined
}

function sh(cmd: string[], options: { cwd?: string; env?: Record<string, string> } = {}): void {
  const ran = Bun.spawnSync(cmd, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdout: 'pipe', stderr: 'pipe' })
  if (ran.exitCode !== 0) throw new Error(`${cmd.join(' ')} failed (${ran.exitCode}):\n${ran.stdout}${ran.stderr}`)
}

/** The target's Bun runtime from npm, unpacked once per Bun version. */
function runtime(target: Target): string {
  const dir = join(RUNTIMES, target.npm)
  const exe = join(dir, 'package', 'bin', target.os === 'windows' ? 'bun.exe' : 'bun')
  if (existsSync(exe)) return exe
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  sh(['npm', 'pack', `@oven/bun-${target.npm}@${pkg.devDependencies.bun}`, '--pack-destination', dir, '--silent'])
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!
  sh(['tar', '-xzf', tarball, 'package/bin'], { cwd: dir })
  rmSync(join(dir, tarball))
  return exe
}

/** build:bin's own command line, for another target: one list of compile flags for every build. */
function compileCommand(target: Target, outfile: string): string[] {
  const words = pkg.scripts['build:bin'].split(/\s+/)
  if (words[0] !== 'bun' || words[1] !== 'build') throw new Error('build:bin is expected to be one `bun build` command')
  const at = words.indexOf('--outfile')
  words.splice(at, 2, '--outfile', outfile)
  return [process.execPath, ...words.slice(1), `--target=${target.bun}`, `--compile-executable-path=${runtime(target)}`]
}

function archive(target: Target): string {
  const name = `berth-${pkg.version}-${target.name}`
  const stage = join(OUT, 'stage', name)
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(join(stage, 'man'), { recursive: true })
  mkdirSync(join(stage, 'completions'), { recursive: true })
  const exe = target.os === 'windows' ? 'berth.exe' : 'berth'
  sh(compileCommand(target, join(stage, exe)), { env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' } })
  copyFileSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'))
  copyFileSync(join(DIST, 'man', 'berth.1'), join(stage, 'man', 'berth.1'))
  for (const file of readdirSync(join(DIST, 'completions'))) copyFileSync(join(DIST, 'completions', file), join(stage, 'completions', file))
  const file = `${name}${target.os === 'windows' ? '.zip' : '.tar.gz'}`
  rmSync(join(OUT, file), { force: true })
  const cwd = join(OUT, 'stage')
  if (target.os === 'windows') {
    sh(['find', name, '-exec', 'touch', '-h', '-d', `@${EPOCH}`, '{}', '+'], { cwd })
    sh(['sh', '-c', `find ${name} | LC_ALL=C sort | zip -X -q -@ ../${file}`], { cwd })
  } else {
    sh(['sh', '-c', `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@${EPOCH} -cf - ${name} | gzip -9 -n > ../${file}`], {
      cwd,
    })
  }
  return file
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !TARGETS.some((t) => t.name === name))
if (unknown.length) throw new Error(`Unknown target ${unknown.join(', ')}: ${TARGETS.map((t) => t.name).join(', ')}`)
if (Bun.version !== pkg.devDependencies.bun)
  throw new Error(`Bun ${Bun.version} runs this, but package.json pins ${pkg.devDependencies.bun}: the runtimes must match the compiler`)

mkdirSync(OUT, { recursive: true })
const files = TARGETS.filter((t) => wanted.length === 0 || wanted.includes(t.name)).map((target) => {
  const file = archive(target)
  console.log(`built ${file}`)
  return file
})
rmSync(join(OUT, 'stage'), { recursive: true, force: true })

// SHA256SUMS lists every archive in the folder (a partial rebuild keeps the others' lines true).
const archives = readdirSync(OUT)
  .filter((f) => f.startsWith(`berth-${pkg.version}-`))
  .sort()
const sums = archives
  .map(
    (f) =>
      `${createHash('sha256')
        .update(readFileSync(join(OUT, f)))
        .digest('hex')}  ${f}\n`,
  )
  .join('')
writeFileSync(join(OUT, 'SHA256SUMS'), sums)
// The release's install.sh knows its version, and its repository when the workflow says which
// (BERTH_REPOSITORY_URL, e.g. https://github.com/OWNER/REPO); without one it asks for BERTH_DOWNLOAD_URL.
let installer = readFileSync(join(ROOT, 'install.sh'), 'utf8').replace("'@BERTH_VERSION@'", `'${pkg.version}'`)
if (process.env.BERTH_REPOSITORY_URL)
  installer = installer.replace("'@BERTH_REPOSITORY_URL@'", `'${process.env.BERTH_REPOSITORY_URL.replace(/'/g, '')}'`)
writeFileSync(join(OUT, 'install.sh'), installer, { mode: 0o755 })
console.log(`${files.length} archive(s), SHA256SUMS and install.sh in ${OUT}`)
