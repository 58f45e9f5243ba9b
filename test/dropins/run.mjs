// node|bun run.mjs <package> [import|require] [original]: loads berth/<package> (Bun: the TypeScript;
// Node: dist/lib, or the CommonJS build with "require"), or with "original" the package it replaces,
// runs its scenarios and prints JSON results. Scenarios named "berth: …" are berth's own
// (concurrent callers, address families) and are left out for the original.
import { createRequire } from 'node:module'
import { runAll } from './helpers.mjs'

const [name, format = 'import', which = 'berth'] = process.argv.slice(2)
const specifier = which === 'original' ? name : `berth-ports/${name}`
const lib = format === 'require' ? createRequire(import.meta.url)(specifier) : await import(specifier)
const { scenarios } = await import(`./${name}.scenarios.mjs`)
const all = Object.entries(scenarios(lib, format, which))
const chosen = which === 'original' ? all.filter(([title]) => !title.startsWith('berth:')) : all
console.log(JSON.stringify(await runAll(Object.fromEntries(chosen))))
