/** Priority, pools, strict mode, exclusions, groups, instances and exports, through the library with real sockets. */
import { afterEach, describe, expect, test } from 'bun:test'
import { allocateMultiplePorts, allocatePort, clearClaims } from '../../index.ts'
import { exclusions, pool, priority } from '../../plugins/index.ts'
import { parseConfig } from '../../project/schema.ts'
import { upProject } from '../../project/up.ts'
import type { LoadedProject } from '../../project/load.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'

const held: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await closeAll(held)
  clearClaims()
})

const project = (config: unknown, plugins = []): LoadedProject => ({
  file: '/virtual/berth.config.json',
  root: '/virtual',
  config: parseConfig(config, 'berth.config.json'),
  plugins,
})

describe('priority()', () => {
  test('higher priority goes first; equal priorities keep their order; results come back in the caller order', async () => {
    const base = await freeRange(4)
    const results = await allocateMultiplePorts(
      [
        { name: 'low-first', basePort: base, options: { priority: { value: 0 } } },
        { name: 'high', basePort: base, options: { priority: { value: 10 } } },
        { name: 'low-second', basePort: base },
      ],
      { plugins: [priority()] },
    )
    expect(results.map((r) => [r.serviceName, r.port])).toEqual([
      ['low-first', base + 1],
      ['high', base],
      ['low-second', base + 2],
    ])
  })
})

describe('pool()', () => {
  test('a request naming a pool draws from it in order; an unknown pool is an error naming it', async () => {
    const from = await freeRange(6)
    held.push(await hold('::', from + 3))
    const plugins = [pool({ pools: { db: [from + 3, from + 5], web: `${from}-${from + 2}` } })]
    expect((await allocatePort({ serviceName: 'db', basePort: from + 3, options: { pool: { name: 'db' } }, plugins })).port).toBe(from + 5)
    await expect(allocatePort({ serviceName: 'x', basePort: from, options: { pool: { name: 'nope' } }, plugins })).rejects.toThrow(
      'pool "nope" is not defined',
    )
  })
})

describe('strict', () => {
  test('fails instead of moving, naming the pid and command that hold the port', async () => {
    const port = await freeRange(2)
    const script = `require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.log('ready'))`
    const holder = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe' })
    try {
      await holder.stdout.getReader().read()
      const error = await allocatePort({ serviceName: 'db', basePort: port, strict: true }).catch((e: Error) => e)
      expect(error).toMatchObject({ code: 'E_NO_PORT' })
      expect((error as Error).message).toContain(
        `🚨 [db] Port ${port} is in-use and db is strict, so it will not move: held by pid ${holder.pid} (`,
      )
      expect((error as Error).message).toContain('createServer().listen')
    } finally {
      holder.kill()
      await holder.exited
    }
  })
})

describe('exclusions()', () => {
  // A probe that calls every port free, so only the policy decides (and no real port 6665 is touched).
  const allFree = async (port: number) => ({ port, free: true })

  test('skips browser-unsafe and ephemeral ports with their reasons, and each part can be turned off', async () => {
    const [start] = (await Bun.file('/proc/sys/net/ipv4/ip_local_port_range').text()).trim().split(/\s+/).map(Number)
    const irc = await allocatePort({ serviceName: 'irc', basePort: 6665, maxPort: 6680, probe: allFree, plugins: [exclusions()] })
    expect(irc.port).toBe(6670)
    expect(irc.skipped.map((s) => [s.port, s.reason])).toEqual([6665, 6666, 6667, 6668, 6669].map((p) => [p, 'browser-unsafe']))
    const inside = allocatePort({ serviceName: 'e', basePort: start!, maxPort: start! + 1, probe: allFree, plugins: [exclusions()] })
    await expect(inside).rejects.toMatchObject({ code: 'E_NO_PORT' })
    const below = await allocatePort({
      serviceName: 'e2',
      basePort: start! - 1,
      maxPort: start! + 1,
      probe: allFree,
      plugins: [exclusions()],
    })
    expect(below.port).toBe(start! - 1)
    clearClaims()
    const off = await allocatePort({
      serviceName: 'irc2',
      basePort: 6665,
      maxPort: 6669,
      probe: allFree,
      plugins: [exclusions({ browserUnsafe: false })],
    })
    expect(off.port).toBe(6665)
    const ephemeralOff = await allocatePort({
      serviceName: 'e3',
      basePort: start!,
      probe: allFree,
      plugins: [exclusions({ ephemeral: false })],
    })
    expect(ephemeralOff.port).toBe(start!)
  })
})

describe('upProject', () => {
  test('a group is placed at one shared offset, or not at all', async () => {
    const a = await freeRange(5)
    const b = await freeRange(5)
    held.push(await hold('::', b))
    const config = {
      environments: { dev: { services: { web: { base: a }, api: { base: b } }, groups: { stack: { services: ['web', 'api'], span: 3 } } } },
    }
    const up = await upProject(project(config), { environment: 'dev' })
    expect(up.allocations.map((r) => [r.serviceName, r.port])).toEqual([
      ['web', a + 1],
      ['api', b + 1],
    ])
    clearClaims()
    for (let k = 1; k <= 3; k++) held.push(await hold('127.0.0.1', b + k))
    const error = await upProject(project(config), { environment: 'dev' }).catch((e: Error) => e)
    expect((error as Error).message).toContain('🚨 [stack] No offset k from 0 to 3 places every member')
    // Nothing claimed: web's ports are all still free to take.
    expect((await allocatePort({ serviceName: 'check', basePort: a, maxPort: a })).port).toBe(a)
  })

  test('instances, pools, priority and exports built from the allocations', async () => {
    const from = await freeRange(10)
    const config = {
      pools: { workers: `${from + 5}-${from + 9}` },
      environments: {
        dev: {
          services: { web: { base: from, env: 'PORT', priority: 1 }, worker: { pool: 'workers', instances: 3, env: 'WORKER_PORT' } },
          exports: { API_TARGET: 'http://localhost:${web.port}', WORKERS: '${worker.ports}' },
        },
      },
    }
    const up = await upProject(project(config), { environment: 'dev' })
    expect(up.allocations.map((r) => r.serviceName)).toEqual(['web', 'worker#1', 'worker#2', 'worker#3'])
    expect(up.exports).toEqual({
      PORT: String(from),
      WORKER_PORT: String(from + 5),
      API_TARGET: `http://localhost:${from}`,
      WORKERS: [5, 6, 7].map((k) => from + k).join(','),
    })
  })

  test('an export naming an unknown service is an error that names it', async () => {
    const from = await freeRange(1)
    const config = { environments: { dev: { services: { web: { base: from } }, exports: { X: '${nope.port}' } } } }
    await expect(upProject(project(config), { environment: 'dev' })).rejects.toThrow('exports.X refers to "nope"')
  })
})

describe('the project file', () => {
  test('errors point at the key and the value', () => {
    const bad = (config: unknown) => {
      try {
        parseConfig(config, 'berth.config.json')
        return ''
      } catch (error) {
        return (error as Error).message
      }
    }
    expect(bad({ environments: { dev: { services: { web: { base: 70000 } } } } })).toContain(
      'environments.dev.services.web.base: expected a port from 1 to 65535, got 70000',
    )
    expect(bad({ environments: { dev: { services: { web: { bsae: 3000 } } } } })).toContain(
      'environments.dev.services.web.bsae: unknown key (a typo?)',
    )
    expect(bad({ environments: { dev: { services: { web: { base: 3000, max: 2999 } } } } })).toContain('"max" is below "base"')
    expect(bad({ pools: { a: '3000-' }, environments: { dev: { services: { web: { pool: 'a' } } } } })).toContain(
      'pools.a: expected a range like "3000-3099"',
    )
    expect(bad({})).toContain('environments: missing')
  })
})
