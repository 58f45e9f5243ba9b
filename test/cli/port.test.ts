/** `berth port`, `get` when its own service holds the port, and `--project` / BERTH_PROJECT (issue 12, items 9 and 10). */
import { describe, expect, test } from 'bun:test'
import { mkdirSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { binary } from '../helpers/binary.ts'
import { makeProject } from '../helpers/project.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

describe('berth port SERVICE', () => {
  test('prints the leased port without moving anything; --json; exit 1 with a clear message when there is none', async () => {
    const p = makeProject(tempDir)
    const base = await freeRange(10)
    const got = (await p.run(['get', 'web', '--base', String(base)])).stdout
    expect(await p.run(['port', 'web'])).toMatchObject({ code: 0, stdout: got, stderr: '' })
    const json = JSON.parse((await p.run(['port', 'web', '--json'])).stdout)
    expect(json).toMatchObject({ service: 'web', project: realpathSync(p.root), port: base, ports: [base], leases: [{ service: 'web', port: base, state: 'active' }] })
    const none = await p.run(['port', 'api'])
    expect(none).toMatchObject({ code: 1, stdout: '' })
    expect(none.stderr).toContain(`No lease for service "api" in ${realpathSync(p.root)}`)
    expect((await p.leases()).map((l) => l.service)).toEqual(['web'])
  })

  test('answers for whichever environment berth up ran, and joins instances', async () => {
    const from = await freeRange(30)
    const p = makeProject(tempDir, {
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

describe('berth get when its own service holds the remembered port', () => {
  test('a process started by the lease owner listens there: the same port, with a line saying so', async () => {
    const p = makeProject(tempDir)
    const base = await freeRange(10)
    // A script: asks for web's port, starts a server on it, and keeps running.
    const server = `Bun.listen({ hostname: '127.0.0.1', port: Number(process.env.PORT), socket: { data() {} } }); console.log('listening')`
    const script = `PORT=$("${binary()}" get web --base ${base} -q) || exit 1; export PORT; "${process.execPath}" -e "${server.replaceAll('"', '\\"')}" & wait`
    const owner = Bun.spawn(['sh', '-c', script], { cwd: p.root, env: { ...process.env, ...p.env } as Record<string, string>, stdout: 'pipe', stderr: 'inherit' })
    try {
      const reader = owner.stdout.getReader()
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('listening')
      const again = await p.run(['get', 'web', '--base', String(base)])
      expect(again).toMatchObject({ code: 0, stdout: `${base}\n` })
      expect(again.stderr).toMatch(new RegExp(`✅ \\[web\\] Port ${base}, remembered for web, is in use by pid \\d+ \\(.*\\), started by the lease's owner \\(pid ${owner.pid}\\): still web's port`))
      expect((await p.leases()).map((l) => [l.service, l.port, l.pid])).toEqual([['web', base, owner.pid]])
    } finally {
      Bun.spawnSync(['pkill', '-P', String(owner.pid)])
      owner.kill()
      await owner.exited
    }
  })
})

describe('projects without a marker', () => {
  test('each folder is its own project; --project DIR and BERTH_PROJECT name one', async () => {
    const p = makeProject(tempDir)
    const sub = join(p.root, 'sub')
    mkdirSync(sub)
    const base = await freeRange(10)
    const get = (extra: string[] = [], env: Record<string, string> = {}, cwd = p.root) => p.run(['get', 'web', '--base', String(base), ...extra], env, cwd)
    expect((await get()).stdout).toBe(`${base}\n`)
    expect((await get([], {}, sub)).stdout).toBe(`${base + 1}\n`)
    expect((await get(['--project', p.root], {}, sub)).stdout).toBe(`${base}\n`)
    expect((await get([], { BERTH_PROJECT: '..' }, sub)).stdout).toBe(`${base}\n`)
    expect((await p.run(['port', 'web', '--project', '..'], {}, sub)).stdout).toBe(`${base}\n`)
    const missing = await get(['--project', join(p.root, 'missing')])
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toContain(`The project folder "${join(p.root, 'missing')}" (--project or BERTH_PROJECT) is not a directory`)
  })
})
