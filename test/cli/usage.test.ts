/** The CLI's rough edges, through the compiled binary: version, help, option names, argument checks, --write. */
import { describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../../package.json' with { type: 'json' }
import { berth, binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

/** Leases in a state directory, as `berth list --json` shows them. */
const leasesIn = async (stateDir: string) => JSON.parse((await berth(['list', '--json'], { BERTH_STATE_DIR: stateDir })).stdout)

describe('version and help', () => {
  test("--version prints berth's version from package.json, and nothing about the runtime", async () => {
    for (const args of [['--version'], ['-v'], ['get', 'web', '--version']]) {
      expect(await berth(args)).toMatchObject({ code: 0, stdout: `berth ${pkg.version}\n`, stderr: '' })
    }
  })

  test('help shows --no-persist without a "(default: true)"', async () => {
    for (const command of ['get', 'up']) {
      const help = (await berth([command, '--help'])).stdout
      expect(help).toContain('--no-persist')
      expect(help).not.toContain('(default: true)')
    }
  })

  test('help documents the exit code of a release that finds no lease', async () => {
    expect((await berth(['--help'])).stdout).toContain('release: no such lease')
    const stateDir = freshStateDir()
    const ran = await berth(['release', 'never-leased'], { BERTH_STATE_DIR: stateDir })
    expect(ran).toMatchObject({ code: 1, stdout: '' })
    expect(ran.stderr).toContain('No lease for service "never-leased"')
  })
})

describe('usage errors name what was typed', () => {
  const BAD: Array<[string[], string]> = [
    [['get', 'web', '--bogus-flag'], 'Unknown option `--bogus-flag`'],
    [['get', 'web', '--no-bogus-flag'], 'Unknown option `--no-bogus-flag`'],
    [['up', '--some-thing=3'], 'Unknown option `--some-thing`'],
    [['get', 'web', '--ttl', '5x', '--no-persist'], '--ttl must be a duration such as 90, 30s, 15m, 2h or 7d, got "5x"'],
    [['get', 'web', '--owner', 'abc', '--no-persist'], '--owner must be a process id, got "abc"'],
    [['up', '--ttl', '5x', '--no-persist'], 'got "5x"'],
    [['scan'], 'scan needs a range, e.g. "berth scan 1024-65535"'],
    [['release'], 'release needs a service name or a port, e.g. "berth release web"'],
  ]
  for (const [args, message] of BAD) {
    test(`${args.join(' ')}: exit 2, ${message}`, async () => {
      const ran = await berth(args)
      expect(ran).toMatchObject({ code: 2, stdout: '' })
      expect(ran.stderr).toContain(message)
    })
  }

  test('berth get "" prints its error once', async () => {
    const ran = await berth(['get', ''])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr.split('serviceName must be').length - 1).toBe(1)
  })

  test('berth get without a name exits 2 and leases nothing', async () => {
    const stateDir = freshStateDir()
    const base = await freeRange(1)
    const ran = await berth(['get', '--base', String(base)], { BERTH_STATE_DIR: stateDir })
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('get needs a service name, e.g. "berth get web"')
    expect(await leasesIn(stateDir)).toEqual([])
  })
})

describe('berth up checks its inputs before it allocates', () => {
  test('an exports template naming a missing service is rejected, and no port is leased', async () => {
    const root = tempDir('berth-exports')
    const from = await freeRange(2)
    const config = { environments: { development: { services: { web: { base: from, env: 'PORT' } }, exports: { API: 'http://localhost:${api.port}' } } } }
    writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config))
    const stateDir = freshStateDir()
    const ran = await runCommand([binary(), 'up'], { BERTH_STATE_DIR: stateDir, NODE_ENV: '' }, root)
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('exports.API refers to "api", which is not a service of development')
    expect(ran.stderr).not.toContain('Allocated')
    expect(await leasesIn(stateDir)).toEqual([])
  })

  test('--write into a folder that does not exist: exit 2 naming the file, no summary, nothing leased', async () => {
    const stateDir = freshStateDir()
    const target = join(tempDir('berth-write'), 'missing', '.env')
    const ran = await berth(['up', '--write', target], { BERTH_STATE_DIR: stateDir })
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`--write ${target}: the folder ${join(target, '..')} does not exist`)
    expect(ran.stderr).not.toContain('SUMMARY')
    expect(ran.stderr).not.toContain('$bunfs')
    expect(await leasesIn(stateDir)).toEqual([])
  })

  test('--write naming a folder: exit 2', async () => {
    const folder = tempDir('berth-write')
    const ran = await berth(['up', '--write', folder])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`--write ${folder} is a folder`)
  })

  test('--write into a folder this user cannot write: exit 2 with the reason (as nobody)', async () => {
    const work = tempDir('berth-write-perm')
    chmodSync(work, 0o755)
    // The binary where nobody can run it, and a folder only root can write.
    const copy = join(work, 'berth')
    copyFileSync(binary(), copy)
    chmodSync(copy, 0o755)
    const locked = join(work, 'locked')
    mkdirSync(locked, { mode: 0o755 })
    const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
    const ran = await runCommand([...asNobody, copy, 'up', '--write', join(locked, '.env')], { BERTH_STATE_DIR: join(work, 'state'), HOME: work }, work)
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`--write ${join(locked, '.env')}: the folder ${locked} cannot be written by this user (permission denied)`)
  })
})
