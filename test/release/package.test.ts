/**
 * The npm package as a user gets it (installed-package.ts: packed, installed offline into an
 * empty folder): what the tarball holds, the CLI through npx, bunx, bunx --bun and deno, the
 * library under Node, Bun and Deno (ESM, and `require` for the CommonJS drop-ins), and the
 * conformance suite from the installed package. Its declarations under a strict tsc are checked
 * with the release tests (package-types.release.ts): tsc alone takes longer than all of this.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hold, type Held } from 'berth-ports/conformance'
import { tempDirs } from '../helpers/temp.ts'
import { BIN, installPackage, pkg, type Installed } from './installed-package.ts'

/** The packed size stays below this: JavaScript, declarations and sources, never a binary. */
const MAX_TARBALL_BYTES = 512 * 1024
/** Each test spawns npx, bunx or a runtime: room for a machine shared with other work (not a measure). */
const SPAWNS = 60_000

const temp = tempDirs()
let packed: Installed['packed']
let user: string
let run: Installed['run']
let busy: Held

beforeAll(async () => {
  ;({ packed, user, run } = await installPackage(temp))
  busy = await hold('127.0.0.1')
}, 120_000)

afterAll(() => busy?.close())

describe('the npm tarball', () => {
  test(`holds what a user needs and nothing else, under ${MAX_TARBALL_BYTES / 1024} KiB`, () => {
    const tops = new Set(
      packed.files.map((f) => (f.path.startsWith('dist/') ? f.path.split('/').slice(0, 2).join('/') : f.path.split('/')[0])),
    )
    // The built files, and the TypeScript source of the library's layers (Bun loads it): no cli/.
    const sources = pkg.files.filter((f: string) => !f.startsWith('dist/') && !f.startsWith('!') && f !== 'LICENSE')
    expect([...tops].sort()).toEqual(
      [
        'LICENSE',
        'README.md',
        'dist/cjs',
        'dist/completions',
        'dist/lib',
        'dist/man',
        'dist/node',
        'dist/types',
        'package.json',
        ...sources,
      ].sort(),
    )
    expect(packed.files.filter((f) => /(^|\/)(test|bench|\.ci|scripts|examples)\/|\.test\.|build\.ts$/.test(f.path))).toEqual([])
    expect(packed.size).toBeLessThan(MAX_TARBALL_BYTES)
  })

  test('every export, the bin and the man page point at a file in the tarball', () => {
    const paths = new Set(packed.files.map((f) => f.path))
    const targets = JSON.stringify(pkg.exports)
      .match(/"\.\/[^"]+\.[a-z]+"/g)!
      .map((t) => t.slice(3, -1))
    for (const file of [...targets, pkg.bin.berth.slice(2), ...pkg.man.map((m: string) => m.slice(2))])
      expect(paths.has(file) ? file : `missing: ${file}`).toBe(file)
    expect(statSync(join(user, 'node_modules', pkg.name, pkg.bin.berth)).mode & 0o111).toBe(0o111)
  })
})

describe('the installed CLI', () => {
  const checks = (ran: { code: number; stdout: string; stderr: string }) => {
    expect(ran.stderr).toBe('')
    expect(ran.stdout).toStartWith(`${busy.port} busy`)
    expect(ran.code).toBe(1)
  }

  test('npx NAME (under Node)', async () => checks(await run(['npx', '--offline', pkg.name, 'check', String(busy.port)])), SPAWNS)
  test(
    'bunx NAME (honours the node shebang)',
    async () => checks(await run([process.execPath, 'x', pkg.name, 'check', String(busy.port)])),
    SPAWNS,
  )
  test(
    "bunx --bun NAME (Bun's runtime)",
    async () => checks(await run([process.execPath, 'x', '--bun', pkg.name, 'check', String(busy.port)])),
    SPAWNS,
  )
  test(
    'deno run -A npm:NAME',
    async () => checks(await run([join(BIN, 'deno'), 'run', '-A', `npm:${pkg.name}`, 'check', String(busy.port)])),
    SPAWNS,
  )

  test(
    'npx berth completion and --version',
    async () => {
      expect((await run(['npx', '--offline', 'berth', '--version'])).stdout).toBe(`berth ${pkg.version}\n`)
      expect((await run(['npx', '--offline', 'berth', 'completion', 'fish'])).stdout).toContain('complete -c berth')
    },
    SPAWNS,
  )

  test(
    'npx berth scan finds the pool task the Node bundle ships',
    async () => {
      const ran = await run(['npx', '--offline', 'berth', 'scan', '20000-40000', '--json'])
      expect(ran.stderr).toBe('')
      expect(ran.code).toBe(0)
      expect(JSON.parse(ran.stdout).from).toBe(20000)
    },
    SPAWNS,
  )
})

describe('the installed library', () => {
  const script = () => {
    const file = join(user, 'uses-berth.mjs')
    writeFileSync(
      file,
      `import { isPortAvailable } from '${pkg.name}'
import { sequential } from '${pkg.name}/plugins'
import getPort from '${pkg.name}/get-port'
import { getPort as getPortPlease } from '${pkg.name}/get-port-please'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const portfinder = require('${pkg.name}/portfinder')
const { detect } = require('${pkg.name}/detect-port')
const busy = Number(process.argv[2])
console.log(JSON.stringify({
  busyIsBusy: !(await isPortAvailable(busy)),
  plugin: sequential().name,
  getPort: (await getPort({ port: busy })) !== busy,
  getPortPlease: (await getPortPlease({ port: busy, portRange: [busy, busy + 50] })) !== busy,
  portfinder: (await portfinder.getPortPromise({ port: busy })) !== busy,
  detect: (await detect(busy)) !== busy,
}))
`,
    )
    return file
  }
  const works = async (cmd: string[]) => {
    const ran = await run([...cmd, script(), String(busy.port)])
    expect(ran.stderr).toBe('')
    expect(JSON.parse(ran.stdout)).toEqual({
      busyIsBusy: true,
      plugin: 'sequential',
      getPort: true,
      getPortPlease: true,
      portfinder: true,
      detect: true,
    })
  }

  test('under Node', () => works(['node']), SPAWNS)
  test('under Bun', () => works([process.execPath]), SPAWNS)
  test('under Deno', () => works([join(BIN, 'deno'), 'run', '-A']), SPAWNS)

  test(
    'runs the conformance suite from the installed package, under node:test and bun:test',
    async () => {
      writeFileSync(
        join(user, 'conformance.test.mjs'),
        `import { conformance } from '${pkg.name}/conformance'
import { sequential } from '${pkg.name}/plugins'
const { describe, test } = globalThis.Bun ? await import('bun:test') : await import('node:test')
conformance('sequential', () => sequential(), { describe, test })
`,
      )
      const node = await run(['node', '--test', 'conformance.test.mjs'])
      expect(node.stdout).toMatch(/# pass [1-9]\d*\n# fail 0\n/)
      expect(node.code).toBe(0)
      const bun = await run([process.execPath, 'test', './conformance.test.mjs'])
      expect(bun.stderr).toMatch(/ [1-9]\d* pass\n 0 fail\n/)
      expect(bun.code).toBe(0)
    },
    SPAWNS,
  )
})
