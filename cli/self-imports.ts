/**
 * Plugin and project files the CLI loads may `import … from 'berth'` (or a subpath), as the
 * README's examples do. The compiled binary has no node_modules to find them in, so each
 * specifier resolves to the binary's own embedded module (the same code, the same instances),
 * loaded only when a file imports it. One plugin file then works with the binary, with `bunx`
 * and with the library. `valibot`, which plugins use for their options' schemas, likewise.
 */
const MODULES: Record<string, () => Promise<object>> = {
  berth: () => import('../index.ts'),
  'berth/plugins': () => import('../plugins/index.ts'),
  'berth/conformance': () => import('../conformance/index.ts'),
  'berth/get-port': () => import('../dropins/get-port.ts'),
  'berth/portfinder': () => import('../dropins/portfinder.ts'),
  'berth/detect-port': () => import('../dropins/detect-port.ts'),
  'berth/get-port-please': () => import('../dropins/get-port-please.ts'),
  // The schema library of plugin options (PortPlugin.options): a plugin file finds it without node_modules too.
  valibot: () => import('valibot'),
}

let registered = false

/** Registers the `berth` modules with Bun's module loader, once, before the first file is loaded. */
export function registerSelfImports(): void {
  if (registered) return
  registered = true
  const bun = (globalThis as { Bun?: typeof Bun }).Bun
  if (!bun?.plugin) return
  bun.plugin({
    name: 'berth-self-imports',
    setup(build) {
      for (const [specifier, load] of Object.entries(MODULES)) build.module(specifier, async () => ({ exports: { ...(await load()) }, loader: 'object' }))
    },
  })
}
