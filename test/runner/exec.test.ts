/** berth exec: the start, readiness, the child's environment and exit code, and a second run in the same process. */
import { describe, expect, test } from 'bun:test'
import { exec } from '../../runner/exec.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { QUICK, collector, fixture, isolated, stopWhenReady } from './helpers.ts'

const temp = tempDirs()

describe('berth exec: start, readiness, environment', () => {
  test('a Node server is ready when its own process listens on the leased port, and gets PORT', async () => {
    const base = await freeRange(1)
    const out = collector()
    const ac = new AbortController()
    const result = await exec('web', ['node', fixture('node-server.mjs')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: base!,
      output: out.output,
      onLog: out.onLog,
      signal: ac.signal,
      onReady: async (port) => {
        const body = await (await fetch(`http://127.0.0.1:${port}/x`)).text()
        out.lines.push({ level: 'info', service: 'test', message: body })
        ac.abort('SIGTERM')
      },
    })
    expect(result.ready).toBe(true)
    expect(result.port).toBe(base!)
    expect(out.lines.map((l) => l.message)).toContain(`node ${base} /x`)
    expect(out.lines[0]!.message).toMatch(new RegExp(`^✅ \\[web\\] Ready on port ${base} after \\d+ ms: pid \\d+ listens$`))
    expect(result.code).toBe(0)
  })

  test('readiness is found through a sh -c wrapper: the listener is a grandchild', async () => {
    const out = collector()
    let listener = 0
    const result = await exec('late', [fixture('late.sh')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: await freeRange(1),
      ...stopWhenReady(out),
    })
    listener = Number(/pid (\d+) listens/.exec(out.lines[0]!.message)?.[1])
    expect(result.ready).toBe(true)
    expect(listener).toBeGreaterThan(0)
    expect(out.stdout).toContain('listening')
  })

  test('Bun and Python servers are found ready too', async () => {
    for (const argv of [
      [process.execPath, fixture('bun-server.ts')],
      ['sh', '-c', 'exec python3 -m http.server "$PORT" --bind 127.0.0.1'],
    ]) {
      const out = collector()
      const result = await exec('svc', argv, {
        ...isolated(temp('proj')),
        ...QUICK,
        basePort: await freeRange(1),
        ...stopWhenReady(out),
      })
      expect({ argv: argv[0], ready: result.ready }).toEqual({ argv: argv[0], ready: true })
    }
  })

  test('the environment: PORT, <SERVICE>_PORT, HOST, --env NAME, and leased siblings', async () => {
    const project = temp('proj')
    const common = { ...isolated(project), ...QUICK, ready: false }
    const apiBase = await freeRange(2)
    const webBase = apiBase + 1
    await exec('api-server', ['true'], { ...common, basePort: apiBase! })
    const out = collector()
    const result = await exec('web', ['node', fixture('print-env.mjs')], {
      ...common,
      stateDir: common.stateDir,
      basePort: webBase!,
      host: '127.0.0.1',
      envVar: 'APP_PORT',
      output: out.output,
    })
    expect(result.code).toBe(0)
    const { env } = JSON.parse(out.stdout)
    expect(env).toMatchObject({
      PORT: String(webBase),
      WEB_PORT: String(webBase),
      APP_PORT: String(webBase),
      HOST: '127.0.0.1',
      API_SERVER_PORT: String(apiBase),
    })
  })

  test("exit codes: the child's code, or 128 + the signal", async () => {
    const common = { ...isolated(temp('proj')), ...QUICK, ready: false, basePort: await freeRange(1) }
    expect((await exec('a', ['sh', '-c', 'exit 7'], common)).code).toBe(7)
    expect((await exec('a', ['sh', '-c', 'kill -TERM $$'], common)).code).toBe(143)
  })

  test('a server that ignores PORT is not ready, and the message names the port it listens on instead', async () => {
    const base = await freeRange(2)
    const other = base + 1
    const out = collector()
    const script = `require('http').createServer().listen(${other}, '127.0.0.1')`
    const result = await exec('web', ['node', '-e', script], {
      ...isolated(temp('proj')),
      ...QUICK,
      readyTimeoutMs: 700,
      basePort: base,
      output: out.output,
      onLog: out.onLog,
    })
    expect(result.ready).toBe(false)
    expect(result.failure).toMatch(
      new RegExp(
        `^🚨 \\[web\\] Not ready on port ${base} after \\d+ ms \\(it listens on ${other} instead: does it read PORT\\?\\): stopping it$`,
      ),
    )
  })

  test('a child that exits before it is ready for another reason is not restarted', async () => {
    const out = collector()
    const result = await exec('bad', ['sh', '-c', 'echo boom >&2; exit 3'], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: await freeRange(1),
      output: out.output,
      onLog: out.onLog,
    })
    expect(result).toMatchObject({ code: 3, ready: false, moves: [] })
    expect(out.lines.map((l) => l.message)).toEqual([expect.stringContaining('Exited with code 3 before it was ready')])
  })
})

describe('exec() called again in the same process', () => {
  test('gets the same port: the ended run gives its in-process claim back, and the lease keeps the port', async () => {
    const options = isolated(temp('proj'))
    const base = await freeRange(3)
    const ports: number[] = []
    const warnings: string[] = []
    for (let i = 0; i < 2; i++) {
      const result = await exec('web', ['/bin/echo', 'up'], {
        ...options,
        basePort: base,
        ready: false,
        output: () => {},
        onEvent: (event) => void (event.level === 'warn' && warnings.push(event.message)),
      })
      ports.push(result.port)
    }
    expect(ports).toEqual([base, base])
    expect(warnings).toEqual([])
  })
})
