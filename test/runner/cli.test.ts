import { describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { binary, berth, freshStateDir, runCommand } from '../helpers/binary.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { fixture } from './helpers.ts'

const temp = tempDirs()

describe('berth exec (the binary)', () => {
  test('Ctrl-C reaches the grandchild under sh -c: no orphan keeps the port, berth exits 130', async () => {
    const base = await freeRange(1)
    const proc = Bun.spawn(
      [
        binary(),
        'exec',
        'web',
        '--base',
        String(base),
        '--project',
        temp('proj'),
        '--',
        'sh',
        '-c',
        `node ${fixture('node-server.mjs')}; exit $?`,
      ],
      {
        env: { ...process.env, NO_COLOR: '1', BERTH_STATE_DIR: freshStateDir() },
        stdout: 'pipe',
        stderr: 'pipe',
      },
    )
    const stderr = await stderrUntilReady(proc.stderr)
    expect(stderr).toContain(`Ready on port ${base}`)
    expect(await canBind(base, '127.0.0.1')).toBe(false)
    proc.kill('SIGINT')
    expect(await proc.exited).toBe(130)
    expect(await canBind(base, '127.0.0.1')).toBe(true)
  })

  test("exits with the child's code; a command that cannot start is named; usage errors exit 2", async () => {
    const project = temp('proj')
    expect((await berth(['exec', 'job', '--project', project, '--no-ready', '--', 'sh', '-c', 'exit 5'])).code).toBe(5)
    const missing = await berth(['exec', 'job', '--project', project, '--', 'no-such-program-here'])
    expect(missing.code).toBe(127)
    expect(missing.stderr).toContain('Could not start no-such-program-here')
    const noCommand = await berth(['exec', 'job'])
    expect(noCommand).toMatchObject({ code: 2, stdout: '' })
    expect(noCommand.stderr).toContain('exec needs a command after "--"')
    const badTimeout = await berth(['exec', 'job', '--ready-timeout', 'soon', '--', 'true'])
    expect(badTimeout.code).toBe(2)
    expect(badTimeout.stderr).toContain('--ready-timeout must be a duration such as 500ms, 30s or 2m, got "soon"')
  })
})

describe('the lease belongs to the running service', () => {
  test('berth killed outright: the lease stays active while the child runs, and is dormant once it is gone', async () => {
    const state = freshStateDir()
    const project = temp('proj')
    const base = await freeRange(1)
    const env = { ...process.env, NO_COLOR: '1', BERTH_STATE_DIR: state }
    const proc = Bun.spawn(
      [binary(), 'exec', 'web', '--base', String(base), '--project', project, '--', 'node', fixture('node-server.mjs')],
      { env, stdout: 'pipe', stderr: 'pipe' },
    )
    const stderr = await stderrUntilReady(proc.stderr)
    const childPid = Number(/pid (\d+) listens/.exec(stderr)?.[1])
    proc.kill('SIGKILL')
    await proc.exited
    const lease = async () =>
      JSON.parse((await berth(['list', '--json'], { BERTH_STATE_DIR: state })).stdout).find((l: { service: string }) => l.service === 'web')
    expect(await lease()).toMatchObject({ port: base, pid: childPid, state: 'active' })
    process.kill(childPid, 'SIGTERM')
    while (!(await canBind(base, '127.0.0.1'))) await Bun.sleep(10)
    while (isRunning(childPid)) await Bun.sleep(10)
    expect(await lease()).toMatchObject({ port: base, state: 'dormant' })
  })
})

/** What berth wrote to stderr up to its "Ready on port" line (or its end). */
async function stderrUntilReady(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader()
  let stderr = ''
  while (!stderr.includes('Ready on port')) {
    const { value, done } = await reader.read()
    if (done) break
    stderr += new TextDecoder().decode(value)
  }
  return stderr
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A port the kernel picks (from its ephemeral range), free when it is returned. */
async function ephemeralPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '::', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('the exclusion policy under exec', () => {
  test("a project file's exclude switches apply to its services (the CLI adds no policy of its own over them)", async () => {
    const port = await ephemeralPort()
    const dir = temp('proj')
    writeFileSync(
      join(dir, 'berth.config.json'),
      JSON.stringify({ exclude: { ephemeral: false }, environments: { development: { services: { web: { base: port, max: port } } } } }),
    )
    const ran = await runCommand([binary(), 'exec', 'web', '--no-ready', '--', 'sh', '-c', 'echo "$PORT"'], { NODE_ENV: '' }, dir)
    expect(ran.stderr).not.toContain('No available ports')
    expect({ code: ran.code, stdout: ran.stdout.trim() }).toEqual({ code: 0, stdout: String(port) })
  })
})

describe('a project file that imports berth', () => {
  // berth exec registers its own modules for project files only when there is one (cli/commands/exec.ts).
  test("berth.config.ts at the project root, or named with --config, may import 'berth-ports' (the binary's own module)", async () => {
    const port = await freeRange(1)
    const dir = temp('proj')
    const config = `import { allocatePort } from 'berth-ports'\nexport default { environments: { development: { services: { web: { base: typeof allocatePort === 'function' ? ${port} : 1, max: ${port} } } } } }\n`
    writeFileSync(join(dir, 'berth.config.ts'), config)
    const named = temp('named')
    writeFileSync(join(named, 'other.config.ts'), config)
    const env = { NODE_ENV: '', BERTH_STATE_DIR: freshStateDir() }
    const atRoot = await runCommand([binary(), 'exec', 'web', '--no-ready', '--', 'sh', '-c', 'echo "$PORT"'], env, dir)
    expect({ code: atRoot.code, stdout: atRoot.stdout.trim(), stderr: atRoot.stderr }).toEqual({
      code: 0,
      stdout: String(port),
      stderr: expect.any(String),
    })
    const viaFlag = await runCommand(
      [binary(), 'exec', 'web', '--config', join(named, 'other.config.ts'), '--no-ready', '--', 'sh', '-c', 'echo "$PORT"'],
      env,
      temp('elsewhere'),
    )
    expect({ code: viaFlag.code, stdout: viaFlag.stdout.trim() }).toEqual({ code: 0, stdout: String(port) })
  })
})
