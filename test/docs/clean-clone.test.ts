/**
 * A fresh clone stays clean after the README's commands: `npm install` finds package-lock.json
 * current (it rewrites the lock's copy of package.json's fields when they differ), and `npx berth`
 * finds cli/main.ts already executable (npm makes a bin executable). `.ci/run` also runs the commands
 * and checks `git status`; these checks are the fast part, on every `npm test`.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/binary.ts'

const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'))

describe('a fresh clone stays clean', () => {
  test("package-lock.json carries package.json's own fields as npm install would write them", () => {
    const pkg = read('package.json')
    const root = read('package-lock.json').packages['']
    const bin = Object.fromEntries(Object.entries(pkg.bin ?? {}).map(([name, file]) => [name, String(file).replace(/^\.\//, '')]))
    expect(root).toEqual({
      name: pkg.name,
      version: pkg.version,
      license: pkg.license,
      dependencies: pkg.dependencies,
      devDependencies: pkg.devDependencies,
      ...(pkg.bin ? { bin } : {}),
      ...(pkg.engines ? { engines: pkg.engines } : {}),
      ...(pkg.peerDependencies ? { peerDependencies: pkg.peerDependencies } : {}),
      ...(pkg.peerDependenciesMeta ? { peerDependenciesMeta: pkg.peerDependenciesMeta } : {}),
    })
  })

  test('every dependency is locked at the version package.json pins', () => {
    const pkg = read('package.json')
    const locked = read('package-lock.json').packages
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(`${name}@${locked[`node_modules/${name}`]?.version}`).toBe(`${name}@${version}`)
    }
  })

  test('the bin file is executable, in the checkout and in git', () => {
    const bin = String(Object.values(read('package.json').bin)[0])
    expect(statSync(join(ROOT, bin)).mode & 0o111).toBe(0o111)
    const git = Bun.spawnSync(['git', 'ls-files', '--stage', bin], { cwd: ROOT })
    // Outside a git checkout (an unpacked tarball) there is no index to check.
    if (git.exitCode === 0 && git.stdout.toString()) expect(git.stdout.toString()).toStartWith('100755 ')
  })
})
