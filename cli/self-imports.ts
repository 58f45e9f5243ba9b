/**
 * Plugin and project files the CLI loads may `import … from 'berth-ports'` (or a subpath), as the
 * README's examples do. The compiled binary has no node_modules to find them in, so each
 * specifier resolves to the binary's own embedded module (the same code, the same instances),
 * loaded only when a file imports it. One plugin file then works with the binary, with `bunx`
 * and with the library. `valibot`, which plugins use for their options' schemas, likewise.
 */
import { valibot } from './valibot-module.ts'

const MODULES: Record<string, () => Promise<object>> = {
  'berth-ports': () => import('../index.ts'),
  'berth-ports/plugins': () => import('../plugins/index.ts'),
  'berth-ports/conformance': () => import('../conformance/index.ts'),
  'berth-ports/get-port': () => import('../dropins/get-port.ts'),
  'berth-ports/portfinder': () => import('../dropins/portfinder.ts'),
  'berth-ports/detect-port': () => import('../dropins/detect-port.ts'),
  'berth-ports/get-port-please': () => import('../dropins/get-port-please.ts'),
  // The schema library of plugin options (PortPlugin.options): a plugin file finds it without node_modules too.
  // Imported statically: once 'valibot' is registered below, import('valibot') here would load this module itself.
  valibot: async () => valibot,
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
      for (const [specifier, load] of Object.entries(MODULES))
        build.module(specifier, async () => ({ exports: { ...(await load()) }, loader: 'object' }))
    },
  })
}
