/**
 * What only the compiled binary shows; everything else about the CLI runs in-process (usage.test.ts,
 * commands.test.ts, lease-commands.test.ts). Kept here: the binary started from another folder prints exactly the port and
 * exits by itself (console.log's newline, the exit code set by cli/main.ts); its version compiled in;
 * the default lease owner being the calling shell; a user without rights (setpriv); the colour
 * decision of processIo on a pipe.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, mkdirSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { colorEnabled } from '../../cli/io.ts'
import pkg from '../../package.json' with { type: 'json' }
import { berth, binary, runCommand } from '../helpers/binary.ts'
import { makeProject } from '../helpers/project.ts'
import { canBind, closeAll, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

describe('the compiled binary', () => {
  test('run from another folder: stdout is only the port and a newline, the log line on stderr, the port free again', async () => {
    const base = await freeRange(2)
    const elsewhere = tempDir('berth-cwd')
    const ran = await runCommand([binary(), 'get', 'web', '--base', String(base)], {}, elsewhere)
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
    expect(ran.stderr).toBe(`✅ [web] Allocated preferred port ${base} after 1 attempt(s)\n`)
    expect(await canBind(base, '127.0.0.1')).toBe(true)
  })

  test('exit codes reach the shell: 2 for bad input, 1 for check on a busy port; --version is compiled in', async () => {
    expect((await berth(['get', '--base', 'abc'])).code).toBe(2)
    expect(await berth(['--version'])).toMatchObject({ code: 0, stdout: `berth ${pkg.version}\n`, stderr: '' })
    expect((await berth(['--help'])).stdout).toContain('Exit codes:')
  })

  test('with stdin closed, get still answers', async () => {
    const base = await freeRange(1)
    const ran = await runCommand(['sh', '-c', `exec "$0" get web --base ${base} --no-persist <&-`, binary()])
    expect(ran).toMatchObject({ code: 0, stdout: `${base}\n` })
  })

  test('no colour codes when the output is not a terminal', async () => {
    const ran = await berth(['check', '1', '--bogus-flag'], { NO_COLOR: '' })
    expect(ran.code).toBe(2)
    expect(ran.stdout + ran.stderr).not.toContain('\u001b[')
  })
})

describe('the lease owner of a real process tree', () => {
  test('a process started by the lease owner listens there: the same port, with a line saying so', async () => {
    const p = makeProject(tempDir)
    const base = await freeRange(10)
    // A script: asks for web's port, starts a server on it, and keeps running.
    const server = `Bun.listen({ hostname: '127.0.0.1', port: Number(process.env.PORT), socket: { data() {} } }); console.log('listening')`
    const script = `PORT=$("${binary()}" get web --base ${base} -q) || exit 1; export PORT; "${process.execPath}" -e "${server.replaceAll('"', '\\"')}" & wait`
    const owner = Bun.spawn(['sh', '-c', script], {
      cwd: p.root,
      env: { ...process.env, ...p.env } as Record<string, string>,
      stdout: 'pipe',
      stderr: 'inherit',
    })
    try {
      const reader = owner.stdout.getReader()
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('listening')
      const again = await p.run(['get', 'web', '--base', String(base)])
      expect(again).toMatchObject({ code: 0, stdout: `${base}\n` })
      expect(again.stderr).toMatch(
        new RegExp(
          `✅ \\[web\\] Port ${base}, remembered for web, is in use by pid \\d+ \\(.*\\), started by the lease's owner \\(pid ${owner.pid}\\): still web's port`,
        ),
      )
      expect((await p.leases()).map((l) => [l.service, l.port, l.pid, l.project])).toEqual([['web', base, owner.pid, realpathSync(p.root)]])
    } finally {
      Bun.spawnSync(['pkill', '-P', String(owner.pid)])
      owner.kill()
      await owner.exited
    }
  })
})

describe('berth up --write as another user', () => {
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
    const ran = await runCommand(
      [...asNobody, copy, 'up', '--write', join(locked, '.env')],
      { BERTH_STATE_DIR: join(work, 'state'), HOME: work },
      work,
    )
    expect(ran).toMatchObject({ code: 2, stdout: '' })
    expect(ran.stderr).toContain(`--write ${join(locked, '.env')}: the folder ${locked} cannot be written by this user (permission denied)`)
  })
})

describe('colour policy', () => {
  test('colour only on a terminal, never with NO_COLOR or TERM=dumb', () => {
    expect(colorEnabled(true, {})).toBe(true)
    expect(colorEnabled(false, {})).toBe(false)
    expect(colorEnabled(undefined, {})).toBe(false)
    expect(colorEnabled(true, { NO_COLOR: '1' })).toBe(false)
    expect(colorEnabled(true, { TERM: 'dumb' })).toBe(false)
  })
})
