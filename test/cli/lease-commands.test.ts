/**
 * The commands that read and tidy leases, in-process through run(argv, io) against real registries:
 * port, list, release, gc, which project a lease belongs to, and names that could drive a terminal.
 */
import { describe, expect, test } from 'bun:test'
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cliWithState } from '../helpers/cli.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

/** A project folder of its own (no marker above it in the temp folder), with its own registry. */
function project(config?: unknown) {
  const root = tempDir('berth-project')
  if (config !== undefined) writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config, null, 2))
  return { root, ...cliWithState({ cwd: root, env: { NODE_ENV: '' } }) }
}

describe('berth port SERVICE', () => {
  test('prints the leased port without moving anything; --json; exit 1 with a clear message when there is none', async () => {
    const p = project()
    const base = await freeRange(10)
    const got = (await p.run(['get', 'web', '--base', String(base)])).stdout
    expect(await p.run(['port', 'web'])).toMatchObject({ code: 0, stdout: got, stderr: '' })
    const json = JSON.parse((await p.run(['port', 'web', '--json'])).stdout)
    expect(json).toMatchObject({
      service: 'web',
      project: realpathSync(p.root),
      port: base,
      ports: [base],
      leases: [{ service: 'web', port: base, state: 'active' }],
    })
    const none = await p.run(['port', 'api'])
    expect(none).toMatchObject({ code: 1, stdout: '' })
    expect(none.stderr).toContain(`No lease for service "api" in ${realpathSync(p.root)}`)
    expect((await p.leases()).map((l) => l.service)).toEqual(['web'])
  })

  test('answers for whichever environment berth up ran, and joins instances', async () => {
    const from = await freeRange(30)
    const p = project({
      environments: {
        development: { services: { web: { base: from, env: 'PORT' }, worker: { base: from + 20, instances: 2 } } },
        production: { services: { web: { base: from + 10, env: 'PORT' } } },
      },
    })
    expect((await p.run(['up', '--env', 'production'])).code).toBe(0)
    expect((await p.run(['port', 'web'])).stdout).toBe(`${from + 10}\n`)
    expect((await p.run(['up'])).code).toBe(0)
    expect((await p.run(['port', 'worker'])).stdout).toBe(`${from + 20},${from + 21}\n`)
  })
})

describe('projects without a marker', () => {
  test('each folder is its own project; --project DIR and BERTH_PROJECT name one', async () => {
    const p = project()
    const sub = join(p.root, 'sub')
    mkdirSync(sub)
    const base = await freeRange(10)
    const get = (extra: string[] = [], env: Record<string, string> = {}, cwd = p.root) =>
      p.run(['get', 'web', '--base', String(base), ...extra], { env, cwd })
    expect((await get()).stdout).toBe(`${base}\n`)
    expect((await get([], {}, sub)).stdout).toBe(`${base + 1}\n`)
    expect((await get(['--project', p.root], {}, sub)).stdout).toBe(`${base}\n`)
    expect((await get([], { BERTH_PROJECT: '..' }, sub)).stdout).toBe(`${base}\n`)
    expect((await p.run(['port', 'web', '--project', '..'], { cwd: sub })).stdout).toBe(`${base}\n`)
    const missing = await get(['--project', join(p.root, 'missing')])
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toContain(`The project folder "${join(p.root, 'missing')}" (--project or BERTH_PROJECT) is not a directory`)
  })
})

describe('berth list, release and gc', () => {
  test('list shows each lease; release by name and by port; exit 1 when no lease matches', async () => {
    const p = project()
    const base = await freeRange(3)
    await p.run(['get', 'web', '--base', String(base)])
    await p.run(['get', 'api', '--base', String(base + 1)])
    const list = await p.run(['list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^web +${base} `, 'm'))
    expect(list.stdout).toMatch(new RegExp(`^api +${base + 1} `, 'm'))
    expect((await p.leases()).map((l) => [l.service, l.port, l.state])).toEqual([
      ['api', base + 1, 'active'],
      ['web', base, 'active'],
    ])

    const byName = await p.run(['release', 'web', '--json'])
    expect(byName.code).toBe(0)
    expect(JSON.parse(byName.stdout).map((l: { service: string }) => l.service)).toEqual(['web'])
    expect(byName.stderr).toStartWith(`Released web (port ${base})`)
    const byPort = await p.run(['release', String(base + 1)])
    expect(byPort).toMatchObject({ code: 0, stdout: '' })
    expect(byPort.stderr).toStartWith(`Released api (port ${base + 1})`)

    expect(await p.run(['release', String(base + 1)])).toMatchObject({ code: 1, stdout: '', stderr: `No lease holds port ${base + 1}\n` })
    const noName = await p.run(['release', 'never-leased'])
    expect(noName).toMatchObject({ code: 1, stdout: '' })
    expect(noName.stderr).toContain('No lease for service "never-leased"')
    expect(await p.leases()).toEqual([])
  })

  test('gc forgets dormant leases whose ports are free and keeps active ones', async () => {
    const p = project()
    const base = await freeRange(2)
    // A lease is dormant once its owner has exited: "gone" is owned by a child that ends here.
    const owner = Bun.spawn(['sleep', '60'])
    await p.run(['get', 'kept', '--base', String(base)])
    await p.run(['get', 'gone', '--base', String(base + 1), '--owner', String(owner.pid)])
    owner.kill()
    await owner.exited
    const gc = await p.run(['gc', '--json'])
    expect(gc.code).toBe(0)
    expect(JSON.parse(gc.stdout).map((l: { service: string }) => l.service)).toEqual(['gone'])
    expect(gc.stderr).toBe(`Forgot 1 lease gone:${base + 1}\n`)
    expect((await p.leases()).map((l) => l.service)).toEqual(['kept'])
  })
})

describe('names that could drive a terminal', () => {
  // U+009B is a one-byte CSI (C1), U+202E reverses the text after it, U+2066 isolates it.
  const name = 'a\u009b31mb\u202ec\u2066d'
  const shown = 'a\\u009b31mb\\u202ec\\u2066d'
  const raw = /[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/

  test('get, list and release escape them in human output; --json keeps them exact', async () => {
    const state = cliWithState()
    const base = await freeRange(1)
    const got = await state.run(['get', name, '--base', String(base), '--ttl', '1h'])
    expect(got).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(got.stderr).toBe(`✅ [${shown}] Allocated preferred port ${base} after 1 attempt(s)\n`)

    const list = await state.run(['list'])
    expect(list.stdout).toContain(`${shown}  ${base}`)
    expect(list.stdout).not.toMatch(raw)
    const json = await state.run(['list', '--json'])
    expect(JSON.parse(json.stdout).map((l: { service: string }) => l.service)).toEqual([name])

    const missing = await state.run(['release', `${name}x`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(`No lease for service "${shown}x"`)
    const released = await state.run(['release', name])
    expect(released.stderr).toStartWith(`Released ${shown} (port ${base})`)
    for (const ran of [list, missing, released]) expect(ran.stdout + ran.stderr).not.toMatch(raw)
  })
})
