// node|bun run.mjs <package>: imports berth/<package> (Bun: the TypeScript; Node: dist/lib, or the
// CommonJS build with "require" as the third argument), runs its scenarios, prints JSON results.
import { createRequire } from 'node:module'
import { runAll } from './helpers.mjs'

const [name, format] = process.argv.slice(2)
const lib = format === 'require' ? createRequire(import.meta.url)(`berth/${name}`) : await import(`berth/${name}`)
const { scenarios } = await import(`./${name}.scenarios.mjs`)
console.log(JSON.stringify(await runAll(scenarios(lib, format ?? 'import'))))
