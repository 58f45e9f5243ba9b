/**
 * Builds the CommonJS drop-ins (dist/cjs/*.cjs) that `require('berth-ports/<name>')` loads.
 * jest runs CommonJS inside `vm` contexts, where a dynamic `import()` throws unless Node runs with
 * --experimental-vm-modules, so every `import('node:…')` of the library (berth loads built-ins
 * lazily, to start fast under Bun) becomes a lazy `require` in this build. A test fails the build's
 * output if any `import(` is left on a path that Node can reach.
 */
const NAMES = ['get-port', 'portfinder', 'detect-port', 'get-port-please']
const BUILTIN_IMPORT = /(?<!typeof )\bimport\((['"])(node:[a-z_/]+)\1\)/g

// Types are stripped first, so `import('node:fs').Stats` in a type annotation is never rewritten.
const stripTypes = new Bun.Transpiler({ loader: 'ts' })

const lazyRequire: import('bun').BunPlugin = {
  name: 'built-ins through require',
  setup(build) {
    build.onLoad({ filter: /\/(core|probe|registry|plugins|project|spec|dropins)\/.*\.ts$/ }, async ({ path }) => ({
      contents: stripTypes
        .transformSync(await Bun.file(path).text())
        .replace(BUILTIN_IMPORT, 'Promise.resolve().then(() => require($1$2$1))'),
      loader: 'js',
    }))
  },
}

const built = await Bun.build({
  entrypoints: NAMES.map((name) => `dropins/${name}.ts`),
  outdir: 'dist/cjs',
  naming: '[name].cjs',
  target: 'node',
  format: 'cjs',
  packages: 'external',
  plugins: [lazyRequire],
})
if (!built.success) {
  for (const log of built.logs) console.error(log)
  process.exit(1)
}
export {}
