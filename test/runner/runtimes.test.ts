import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ROOT, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { fixture } from './helpers.ts'

// runCommand gives each run a state folder, removed after the file.
tempDirs()

const SMOKE = fixture('runner-smoke.mjs')
const DENO = join(ROOT, 'node_modules', '.bin', 'deno')
const SERVED = { ready: true, code: 0, body: 'node' }

async function expectServed(cmd: string[]) {
  const ran = await runCommand([...cmd, String(await freeRange(1))])
  expect(ran.stderr).toBe('')
  expect(JSON.parse(ran.stdout)).toEqual(SERVED)
}

describe('the runner on every runtime (berth-ports/runner, no lease registry)', () => {
  test('Node runs the built bundle', () => expectServed(['node', SMOKE, join(ROOT, 'dist', 'lib', 'runner', 'index.js')]))
  test('Deno runs the TypeScript source', () => expectServed([DENO, 'run', '--allow-all', SMOKE, join(ROOT, 'runner', 'index.ts')]))
})
