/**
 * The README's third-party strategy (examples/plugins/hash-strategy.ts), with its own `seed`
 * option, end to end: through the library, through the compiled binary's --plugin and --options,
 * and through berth.config.json, where a bad option is refused with its key path.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { clearClaims, createAllocator } from '../../index.ts'
import hashStrategy, { fnv1a } from '../../examples/plugins/hash-strategy.ts'
import { ROOT } from '../helpers/binary.ts'
import { makeProject } from '../helpers/project.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const plugin = join(ROOT, 'examples', 'plugins', 'hash-strategy.ts')
afterEach(() => clearClaims())

/** The port the strategy starts at for `service` with `seed` in from..from+99. */
const startOf = (from: number, service: string, seed: number) => from + (fnv1a(`${seed}:${service}`) % 100)

/** A seed that moves `web` off the seed-0 port, so the tests show the option was used. */
function otherSeed(from: number): number {
  let seed = 1
  while (startOf(from, 'web', seed) === startOf(from, 'web', 0)) seed++
  return seed
}

describe('examples/plugins/hash-strategy.ts', () => {
  test('from the library: the seed option picks the first candidate; a bad seed is refused by name', async () => {
    const from = await freeRange(100)
    const seed = otherSeed(from)
    const allocator = createAllocator({ plugins: [hashStrategy()] })
    try {
      const result = await allocator.allocate({ serviceName: 'web', basePort: from, maxPort: from + 99, options: { hash: { seed } } })
      expect(result.port).toBe(startOf(from, 'web', seed))
      const bad = allocator.allocate({ serviceName: 'web2', basePort: from, maxPort: from + 99, options: { hash: { seed: 'x' } } })
      await expect(bad).rejects.toThrow('options.hash.seed: seed must be a number, got "x"')
    } finally {
      await allocator.dispose()
    }
  })

  test('from the binary: --plugin FILE --options JSON', async () => {
    const from = await freeRange(100)
    const seed = otherSeed(from)
    const p = makeProject(tempDir)
    const args = ['get', 'web', '--base', String(from), '--max', String(from + 99), '--plugin', plugin, '--no-persist']
    const ran = await p.run([...args, '--options', JSON.stringify({ hash: { seed } })])
    expect(ran.code).toBe(0)
    expect(Number(ran.stdout)).toBe(startOf(from, 'web', seed))
    const bad = await p.run([...args, '--options', '{"hash":{"seed":-1}}'])
    expect({ code: bad.code, stdout: bad.stdout }).toEqual({ code: 2, stdout: '' })
    expect(bad.stderr).toContain('options.hash.seed: seed must not be negative, got -1')
    const notJson = await p.run([...args, '--options', '{hash}'])
    expect(notJson.code).toBe(2)
    expect(notJson.stderr).toContain('--options must be a JSON object')
  })

  test('from berth.config.json: the service names its options; a bad one exits 2 with its key path', async () => {
    const from = await freeRange(100)
    const seed = otherSeed(from)
    const config = (options: unknown) => ({
      plugins: [plugin],
      environments: { development: { services: { web: { base: from, max: from + 99, env: 'PORT', options } } } },
    })
    const p = makeProject(tempDir, config({ hash: { seed } }))
    const up = await p.run(['up', '--no-persist'])
    expect(up.code).toBe(0)
    expect(up.stdout).toStartWith(`PORT=${startOf(from, 'web', seed)}\n`)
    for (const [options, says] of [
      [{ hash: { seed: 'x' } }, 'environments.development.services.web.options.hash.seed: seed must be a number, got "x"'],
      [{ hash: { sede: 1 } }, 'environments.development.services.web.options.hash.sede: '],
      [{ hsah: { seed: 1 } }, 'environments.development.services.web.options.hsah: no plugin named "hsah" is loaded'],
    ] as const) {
      writeFileSync(join(p.root, 'berth.config.json'), JSON.stringify(config(options)))
      const ran = await p.run(['up', '--no-persist'])
      expect({ code: ran.code, stdout: ran.stdout }).toEqual({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(says)
    }
  })
})
