/**
 * `berth up` with a project file, plugin files and the exclusion policy: in-process through
 * run(argv, io), and through the compiled binary for its embedded modules, a JavaScript caller in
 * another process and a user without rights.
 */
import { describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fnv1a } from '../../examples/plugins/hash-strategy.ts'
import { ROOT, binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { cli } from '../helpers/cli.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

function projectWith(config: unknown) {
  const root = tempDir('berth-up')
  writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config, null, 2))
  const env = { BERTH_STATE_DIR: freshStateDir(), NODE_ENV: '' }
  // Through a short-lived shell, as a user would run it: the shell owns the leases.
  const exec = (cmd: string[]) => runCommand(['sh', '-c', '"$@"', 'sh', ...cmd], env, root)
  return { root, exec, run: (args: string[]) => exec([binary(), ...args]), inProcess: (args: string[]) => cli(args, { env, cwd: root }) }
}

describe('berth up with a project file', () => {
  test('allocates every service, prints the summary on stderr and the exports; the same ports again the second time', async () => {
    const from = await freeRange(20)
    const p = projectWith({
      environments: {
        development: {
          services: {
            'web-server': { base: from, max: from + 9, env: 'PORT' },
            'api-server': { base: from + 10, max: from + 19, env: 'API_PORT' },
          },
          exports: { API_TARGET: 'http://localhost:${api-server.port}' },
        },
      },
    })
    const first = await p.inProcess(['up'])
    expect(first.code).toBe(0)
    const mark = `BERTH_EXPORTS='PORT=${from},API_PORT=${from + 10}@${realpathSync(p.root)}'`
    expect(first.stdout).toBe(`PORT=${from}\nAPI_PORT=${from + 10}\nAPI_TARGET=http://localhost:${from + 10}\n${mark}\n`)
    expect(first.stderr).toContain('📊 PORT ALLOCATION SUMMARY:')
    expect(first.stderr).toContain(`web-server           | Port: ${from} | ✅ PREFERRED | Attempts: 1`)
    const second = await p.inProcess(['up', '--format', 'json'])
    const json = JSON.parse(second.stdout)
    expect(json.env).toEqual({ PORT: String(from), API_PORT: String(from + 10), API_TARGET: `http://localhost:${from + 10}` })
    const written = await p.inProcess(['up', '--format', 'shell', '--write', 'ports.env'])
    expect(written).toMatchObject({ code: 0, stdout: '' })
    expect(readFileSync(join(p.root, 'ports.env'), 'utf8')).toBe(
      `export PORT=${from}\nexport API_PORT=${from + 10}\nexport API_TARGET=http://localhost:${from + 10}\nexport ${mark}\n`,
    )
  })

  test('getConfig() in JavaScript returns the same values berth up printed', async () => {
    const from = await freeRange(10)
    const p = projectWith({
      environments: {
        development: { services: { web: { base: from, max: from + 9, env: 'PORT' } }, exports: { SELF: 'http://localhost:${web.port}' } },
      },
    })
    const cli = JSON.parse((await p.run(['up', '--format', 'json'])).stdout).env
    const script = `const { getConfig } = await import(${JSON.stringify(join(ROOT, 'index.ts'))}); console.log(JSON.stringify((await getConfig({ logger: null })).env))`
    const js = await p.exec([process.execPath, '-e', script])
    expect(JSON.parse(js.stdout || 'null')).toEqual(cli)
    expect(cli).toEqual({ PORT: String(from), SELF: `http://localhost:${from}` })
  })

  test('a broken project file exits 2 with the key and the value', async () => {
    const p = projectWith({ environments: { development: { services: { web: { base: 70000 } } } } })
    const ran = await p.inProcess(['up'])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('environments.development.services.web.base: expected a port from 1 to 65535, got 70000')
    writeFileSync(join(p.root, 'berth.config.json'), '{ "environments": ')
    expect((await p.inProcess(['up'])).stderr).toContain('is not valid JSON')
  })
})

describe('plugin files', () => {
  const plugin = join(ROOT, 'examples', 'plugins', 'hash-strategy.ts')

  test('the compiled binary loads a TypeScript plugin from --plugin and from the project file', async () => {
    const from = await freeRange(100)
    // No options given: the example's seed defaults to 0.
    const expected = from + (fnv1a('0:web') % 100)
    const p = projectWith({
      plugins: [plugin],
      environments: { development: { services: { web: { base: from, max: from + 99, env: 'PORT' } } } },
    })
    const got = JSON.parse(
      (await p.run(['get', 'web', '--base', String(from), '--max', String(from + 99), '--plugin', plugin, '--json', '--no-persist']))
        .stdout,
    )
    expect(got.port).toBe(expected)
    expect((await p.run(['up', '--no-persist'])).stdout).toStartWith(`PORT=${expected}\nBERTH_EXPORTS=`)
  })

  test('a file without a plugin is an error that says what it must export', async () => {
    const p = projectWith({ environments: { development: { services: { web: { base: 3000 } } } } })
    writeFileSync(join(p.root, 'empty.ts'), 'export const nothing = 1\n')
    const ran = await p.inProcess(['get', '--plugin', 'empty.ts', '--no-persist'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('must export by default a plugin')
  })
})

describe('the exclusion policy in the CLI', () => {
  test('an exhausted range says which policy passed over its ports and which flag hands them out', async () => {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
    const ran = await cli(['get', 'web', '--base', String(start), '--max', String(start! + 2), '--no-persist'])
    expect(ran).toMatchObject({ code: 1, stdout: '' })
    expect(ran.stderr).toContain('The exclusion policy passed over 3 ephemeral (--allow-ephemeral).')
  })

  test('privileged ports are skipped for a normal user (as nobody), and given to root', async () => {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim())
    const work = tempDir('berth-priv')
    chmodSync(work, 0o755)
    const copy = join(work, 'berth')
    copyFileSync(binary(), copy)
    chmodSync(copy, 0o755)
    const args = ['get', 'svc', '--base', String(start - 2), '--max', String(start + 40), '--json', '--no-persist']
    const asNobody = await runCommand(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', copy, ...args], {}, work)
    const result = JSON.parse(asNobody.stdout)
    expect(result.skipped.slice(0, 2)).toEqual([
      { port: start - 2, reason: 'privileged' },
      { port: start - 1, reason: 'privileged' },
    ])
    expect(result.port).toBeGreaterThanOrEqual(start)
    const asRoot = JSON.parse((await runCommand([copy, ...args], {}, work)).stdout)
    expect(asRoot.skipped.every((s: { reason: string }) => s.reason !== 'privileged')).toBe(true)
    const allowed = JSON.parse(
      (await runCommand(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', copy, ...args, '--allow-privileged'], {}, work))
        .stdout,
    )
    expect(allowed.skipped[0]).toEqual({ port: start - 2, reason: 'permission', host: '::' })
  })
})
