/**
 * The npm package as a user installs it, for the package tests: `npm pack` (which runs prepack)
 * into a temporary folder, then the tarball installed into an empty project with no network (the
 * dependencies come from npm's cache by the integrity in our lock file; npm ci fetched them).
 */
import { expect } from 'bun:test'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCommand, type Ran } from '../helpers/binary.ts'

export const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages
export const BIN = join(ROOT, 'node_modules', '.bin')
// Anything that tries the network fails at once instead of reaching a registry.
const OFFLINE = {
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  npm_config_offline: 'true',
  PATH: `${BIN}:${process.env.PATH}`,
}

export interface Installed {
  packed: { filename: string; size: number; files: { path: string; mode: number }[] }
  /** The user's project folder, with the package in node_modules. */
  user: string
  /** Runs a command in the user's folder, offline. */
  run(cmd: string[]): Promise<Ran>
}

export async function installPackage(temp: (prefix: string) => string): Promise<Installed> {
  const out = temp('berth-pack')
  const ran = await runCommand(['npm', 'pack', '--json', '--pack-destination', out], OFFLINE)
  expect(ran.code).toBe(0)
  // prepack's build prints before npm's JSON.
  const packed = JSON.parse(ran.stdout.slice(ran.stdout.lastIndexOf('\n[\n') + 1))[0]

  const user = temp('berth-user')
  const tarball = readFileSync(join(out, packed.filename))
  writeFileSync(join(user, packed.filename), tarball)
  const dependency = `file:${packed.filename}`
  const packages: Record<string, object> = {
    '': { name: 'user', dependencies: { [pkg.name]: dependency } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: dependency,
      license: pkg.license,
      bin: { berth: pkg.bin.berth.replace(/^\.\//, '') },
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      dependencies: pkg.dependencies,
      engines: pkg.engines,
    },
  }
  for (const name of Object.keys(pkg.dependencies)) packages[`node_modules/${name}`] = lock[`node_modules/${name}`]
  writeFileSync(
    join(user, 'package.json'),
    JSON.stringify({ name: 'user', private: true, type: 'module', dependencies: { [pkg.name]: dependency } }),
  )
  writeFileSync(join(user, 'package-lock.json'), JSON.stringify({ name: 'user', lockfileVersion: 3, requires: true, packages }))
  const run = (cmd: string[]) => runCommand(cmd, OFFLINE, user)
  const installed = await run(['npm', 'ci', '--offline', '--no-audit', '--no-fund'])
  expect(installed.stderr).toBe('')
  expect(installed.code).toBe(0)
  return { packed, user, run }
}
