/**
 * Builds the package's `bin` (dist/node/main.js): the same cli/ sources as the compiled binary,
 * bundled as JavaScript with a `node` shebang, so `npx`, `bunx` and `deno run npm:…` run it
 * without Bun installed (and without TypeScript inside node_modules, which Node and Deno refuse).
 * The pool's task sits at dist/node/entry/probe-task.js, where `berth scan` looks beside the
 * entry, as it does inside the compiled binary (cli/commands/scan.ts).
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')
const OUT = join(ROOT, 'dist', 'node')

rmSync(OUT, { recursive: true, force: true })
const built = await Bun.build({
  entrypoints: [join(ROOT, 'cli', 'main.ts'), join(ROOT, 'cli', 'entry', 'probe-task.ts')],
  root: join(ROOT, 'cli'),
  outdir: OUT,
  naming: '[dir]/[name].js',
  target: 'node',
  format: 'esm',
  // The package's dependencies are installed beside it; bundling them would ship them twice.
  packages: 'external',
})
if (!built.success) {
  for (const log of built.logs) console.error(log)
  process.exit(1)
}

// The source's shebang names bun; the bin must start under whichever runtime runs it, and
// `#!/usr/bin/env node` is the one npx, bunx (which honours it, or runs Bun when given --bun)
// and Deno's npm support all understand.
const main = join(OUT, 'main.js')
const lines = readFileSync(main, 'utf8')
  .split('\n')
  .filter((line, i) => !(i < 3 && (line.startsWith('#!') || line === '// @bun')))
writeFileSync(main, ['#!/usr/bin/env node', ...lines].join('\n'))
chmodSync(main, 0o755)
