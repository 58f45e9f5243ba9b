/**
 * berth up checks its inputs before it allocates, in-process through run(argv, io): an exports
 * template or a --write target that cannot work is exit 2 with a message naming it, and nothing leased.
 */
import { describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cli, cliWithState } from '../helpers/cli.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

describe('berth up checks its inputs before it allocates', () => {
  test('an exports template naming a missing service is rejected, and no port is leased', async () => {
    const root = tempDir('berth-exports')
    const from = await freeRange(2)
    const config = {
      environments: { development: { services: { web: { base: from, env: 'PORT' } }, exports: { API: 'http://localhost:${api.port}' } } },
    }
    writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config))
    const state = cliWithState({ cwd: root })
    const ran = await state.run(['up'])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain('exports.API refers to "api", which is not a service of development')
    expect(ran.stderr).not.toContain('Allocated')
    expect(await state.leases()).toEqual([])
  })

  test('--write into a folder that does not exist: exit 2 naming the file, no summary, nothing leased', async () => {
    const state = cliWithState()
    const target = join(tempDir('berth-write'), 'missing', '.env')
    const ran = await state.run(['up', '--write', target])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`--write ${target}: the folder ${join(target, '..')} does not exist`)
    expect(ran.stderr).not.toContain('SUMMARY')
    expect(ran.stderr).not.toContain('$bunfs')
    expect(await state.leases()).toEqual([])
  })

  test('--write naming a folder: exit 2', async () => {
    const folder = tempDir('berth-write')
    const ran = await cli(['up', '--write', folder])
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`--write ${folder} is a folder`)
  })

  test('--write with a relative name writes beside the working directory, and names the file as typed', async () => {
    const root = tempDir('berth-write-relative')
    mkdirSync(join(root, 'sub'))
    const missing = await cli(['up', '--no-persist', '--write', 'nowhere/.env'], { cwd: root })
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(missing.stderr).toContain(`--write nowhere/.env: the folder ${join(root, 'nowhere')} does not exist`)
    const ran = await cli(['up', '--no-persist', '--write', 'sub/.env'], { cwd: root, env: { NODE_ENV: '' } })
    expect(ran).toMatchObject({ code: 0, stdout: '' })
    expect(ran.stderr).toContain('Wrote 3 variables to sub/.env')
    expect(await Bun.file(join(root, 'sub', '.env')).text()).toContain('PORT=')
  })
})
