/**
 * The package's surface is chosen, not whatever a module happens to export: each subpath has one
 * job, the plugin factories come from `berth-ports/plugins` only, and every subpath of package.json's
 * `exports` has its source and, after `npm run build`, its bundle (scripts/build-lib.ts).
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './helpers/binary.ts'

describe('the public surface', () => {
  test('berth exports the spec functions, createAllocator, definePlugin, PortError and a few helpers, nothing internal', async () => {
    const root = await import('../index.ts')
    expect(Object.keys(root).sort()).toEqual([
      'PortError',
      'PortRanges',
      'allocateMultiplePorts',
      'allocatePort',
      'clearClaims',
      'config',
      'createAllocator',
      'definePlugin',
      'getConfig',
      'getPortFromEnvOrAllocate',
      'isPortAvailable',
      'isPortError',
      'optionsOf',
      'releaseClaim',
      'resetConfig',
      'scanPorts',
    ])
  })

  test('berth-ports/plugins exports the plugin factories, and only it does', async () => {
    const plugins = await import('../plugins/index.ts')
    const factories = ['containers', 'envPreference', 'exclusions', 'persist', 'pool', 'priority', 'sequential']
    expect(Object.keys(plugins).sort()).toEqual(factories)
    const root: Record<string, unknown> = await import('../index.ts')
    for (const name of factories) expect(root[name]).toBeUndefined()
  })

  test('berth-ports/vite exports the plugin factory, as its default and by name', async () => {
    const vite = await import('../vite/index.ts')
    expect(Object.keys(vite).sort()).toEqual(['berth', 'default'])
    expect(vite.default).toBe(vite.berth)
  })

  test('berth-ports/runner exports exec and run, and the root does not', async () => {
    const runner: Record<string, unknown> = await import('../runner/index.ts')
    expect(typeof runner.exec).toBe('function')
    expect(typeof runner.run).toBe('function')
    const root: Record<string, unknown> = await import('../index.ts')
    expect(root.exec).toBeUndefined()
  })

  test('every subpath of exports has its source and its Node bundle', () => {
    const { exports } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string> | string>
    }
    const subpaths = Object.entries(exports).filter((entry): entry is [string, Record<string, string>] => typeof entry[1] !== 'string')
    expect(subpaths.map(([subpath]) => subpath)).toEqual([
      '.',
      './plugins',
      './runner',
      './conformance',
      './vite',
      './get-port',
      './portfinder',
      './detect-port',
      './get-port-please',
    ])
    for (const [, target] of subpaths) {
      expect(existsSync(join(ROOT, target.bun!))).toBe(true)
      expect(existsSync(join(ROOT, target.default!))).toBe(true)
    }
  })
})
