/**
 * The installed package's declarations (dist/types) under a strict tsc that checks them too
 * (skipLibCheck off), as a user's project with Node's own module resolution would compile them.
 * Part of the release tests: tsc takes longer than the rest of the package tests together.
 */
import { beforeAll, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'
import { BIN, installPackage, pkg, type Installed } from './installed-package.ts'

const temp = tempDirs()
let installed: Installed

beforeAll(async () => {
  installed = await installPackage(temp)
}, 120_000)

test('its declarations type-check under a strict tsc without skipLibCheck', async () => {
  writeFileSync(
    join(installed.user, 'types.ts'),
    `import { allocatePort, type PortPlugin } from '${pkg.name}'
import { sequential } from '${pkg.name}/plugins'
import { conformance } from '${pkg.name}/conformance'
import getPort from '${pkg.name}/get-port'
import portfinder from '${pkg.name}/portfinder'
import { detect } from '${pkg.name}/detect-port'
import { getPort as getPortPlease } from '${pkg.name}/get-port-please'
const plugin: PortPlugin = sequential()
const port: number = (await allocatePort({ basePort: 3000, serviceName: 'web' })).port
export const all = [plugin, port, conformance, getPort, portfinder.getPortPromise, detect, getPortPlease]
`,
  )
  writeFileSync(
    join(installed.user, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['types.ts'],
    }),
  )
  const ran = await installed.run([join(BIN, 'tsc'), '-p', '.'])
  expect(ran.stdout + ran.stderr).toBe('')
  expect(ran.code).toBe(0)
}, 60_000)
