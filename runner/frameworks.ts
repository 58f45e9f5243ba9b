/**
 * Dev servers that ignore PORT get their port as flags: found past `npx`, `bunx`, `pnpm exec`,
 * `yarn` and the like, and only when the user did not pass `--port` or `--host` already.
 * Next.js, Nuxt, Express and most others read PORT and need nothing.
 */

/** Server → the flags that pin it to the port (strictPort: fail rather than drift to another port). */
const FLAGS: Record<string, (port: number) => string[]> = {
  vite: (port) => ['--port', String(port), '--strictPort'],
  'react-router': (port) => ['--port', String(port), '--strictPort'],
  astro: (port) => ['--port', String(port)],
  rsbuild: (port) => ['--port', String(port)],
  ng: (port) => ['--port', String(port)],
}

/** Launchers whose next word (after their own options) is the real command. */
const LAUNCHERS: Record<string, string[]> = {
  npx: [],
  bunx: [],
  pnpx: [],
  pnpm: ['exec', 'dlx'],
  yarn: ['exec', 'dlx'],
  npm: ['exec'],
  bun: ['x', 'run'],
}

const baseName = (word: string) => word.slice(word.lastIndexOf('/') + 1)

/** The index of the real command in argv, past launchers and their options. */
function commandIndex(argv: readonly string[]): number {
  let i = 0
  while (i < argv.length) {
    const subcommands = LAUNCHERS[baseName(argv[i]!)]
    if (!subcommands) return i
    i++
    if (subcommands.length > 0 && subcommands.includes(argv[i] ?? '')) i++
    while (argv[i]?.startsWith('-')) i++
  }
  return i
}

/** The framework argv runs, if it is one that ignores PORT. */
export function frameworkOf(argv: readonly string[]): string | undefined {
  const word = argv[commandIndex(argv)]
  const name = word === undefined ? undefined : baseName(word)
  return name !== undefined && Object.hasOwn(FLAGS, name) ? name : undefined
}

const passes = (argv: readonly string[], flag: string) => argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`))

/** argv with the framework's port (and host) flags appended, or argv itself. */
export function withFrameworkFlags(argv: readonly string[], port: number, host?: string): string[] {
  const framework = frameworkOf(argv)
  if (!framework || passes(argv, '--port') || passes(argv, '--host')) return [...argv]
  return [...argv, ...FLAGS[framework]!(port), ...(host ? ['--host', host] : [])]
}
