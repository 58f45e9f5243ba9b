import { describe, expect, test } from 'bun:test'
import { exec } from '../../runner/exec.ts'
import { createRegistry } from '../../registry/registry.ts'
import { berth } from '../helpers/binary.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { QUICK, WAIT_FOR_GO, collector, fixture, impostor, isolated } from './helpers.ts'

const temp = tempDirs()

/**
 * Runs `argv` as `service` while a real listener (this test's process) takes its first port
 * between the spawn and the child's own listen; stops the service once it is ready. The caller
 * closes `taker`.
 */
async function execAfterConflict(service: string, argv: string[], options: ReturnType<typeof isolated>, base: number) {
  const taker = impostor((_, nth) => nth === 0)
  const ac = new AbortController()
  const out = collector(taker.onLine)
  const result = await exec(service, argv, {
    ...options,
    ...QUICK,
    basePort: base,
    env: { ...process.env, ...taker.env },
    output: out.output,
    onLog: out.onLog,
    signal: ac.signal,
    onReady: () => ac.abort('SIGTERM'),
  })
  return { result, out, taker }
}

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
    const ac = new AbortController()
    let listener = 0
    const result = await exec('late', [fixture('late.sh')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: await freeRange(1),
      output: out.output,
      onLog: out.onLog,
      signal: ac.signal,
      onReady: () => ac.abort('SIGTERM'),
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
      const ac = new AbortController()
      const result = await exec('svc', argv, {
        ...isolated(temp('proj')),
        ...QUICK,
        basePort: await freeRange(1),
        output: out.output,
        onLog: out.onLog,
        signal: ac.signal,
        onReady: () => ac.abort('SIGTERM'),
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

describe('berth exec: holding the port, and --fd', () => {
  test('from the check on, the port is bound by berth: nobody can take it while the lease is made, and the child gets it', async () => {
    const base = await freeRange(1)
    let freeBeforeSpawn: boolean | undefined
    const out = collector()
    const ac = new AbortController()
    // A plugin observer runs after the claim, while the hold is in place.
    const watcher = {
      name: 'watch',
      async allocated() {
        freeBeforeSpawn = await canBind(base!, '127.0.0.1')
      },
    }
    const result = await exec('web', ['node', fixture('node-server.mjs')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: base!,
      plugins: [watcher],
      output: out.output,
      onLog: out.onLog,
      signal: ac.signal,
      onReady: () => ac.abort('SIGTERM'),
    })
    expect(freeBeforeSpawn).toBe(false)
    expect(result.ready).toBe(true)
  })

  test.each([['node'], [process.execPath]])(
    '--fd: a client that connects before the child (%s, node:net) listens is served, on a zero-length window',
    async (runtime) => {
      const base = await freeRange(1)
      let answer = ''
      const ac = new AbortController()
      const out = collector((line) => {
        // The child announces itself, then waits before it listens on fd 3: the request waits in the backlog.
        if (!line.startsWith('started')) return
        void fetch(`http://127.0.0.1:${base}/`).then(async (r) => {
          answer = await r.text()
          ac.abort('SIGTERM')
        })
      })
      const result = await exec('web', [runtime, fixture('fd-server.mjs')], {
        ...isolated(temp('proj')),
        ...QUICK,
        basePort: base!,
        passFd: true,
        env: { ...process.env, DELAY_MS: '300' },
        output: out.output,
        onLog: out.onLog,
        signal: ac.signal,
      })
      expect(out.stderr).toBe('')
      expect(answer).toBe('fd3 web')
      expect(result.port).toBe(base!)
      expect(out.lines[0]!.message).toContain('fd 3')
    },
  )
})

describe('berth exec --fd with a readiness probe', () => {
  test('the http_get probe, not the listening socket, says when the service is ready', async () => {
    const out = collector()
    const ac = new AbortController()
    const result = await exec('web', ['node', fixture('fd-server.mjs')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: await freeRange(1),
      passFd: true,
      env: { ...process.env, DELAY_MS: '200' },
      readinessProbe: { http_get: { path: '/' }, period_seconds: 0.02, timeout_seconds: 2 },
      output: out.output,
      onLog: out.onLog,
      signal: ac.signal,
      onReady: () => ac.abort('SIGTERM'),
    })
    expect(result.ready).toBe(true)
    expect(out.lines[0]!.message).toMatch(/fd 3 .*and its readiness probe passed$/)
  })
})

describe('berth exec: port conflicts', () => {
  test('an impostor listening on the port is a conflict, never readiness', async () => {
    const base = await freeRange(1)
    const taker = impostor(() => true)
    const out = collector(taker.onLine)
    // The child never listens: only the impostor does.
    const result = await exec('web', ['sh', '-c', `${WAIT_FOR_GO}; sleep 10`], {
      ...isolated(temp('proj')),
      ...QUICK,
      readyTimeoutMs: 1500,
      basePort: base,
      env: { ...process.env, ...taker.env },
      output: out.output,
      onLog: out.onLog,
    })
    await taker.close()
    expect(result.ready).toBe(false)
    expect(result.failure).toContain(`Not ready on port ${base}`)
    expect(result.failure).toContain(`held by another process, pid ${process.pid}`)
  })

  test('a conflict restarts the service on the next port and moves the lease; the holder is left alone', async () => {
    const project = temp('proj')
    const options = isolated(project)
    const base = await freeRange(3)
    // The first start loses its port to another listener between the spawn and its own listen.
    const { result, out, taker } = await execAfterConflict('web', ['node', fixture('node-server.mjs')], options, base)
    const stillHeld = !(await canBind(base, '127.0.0.1'))
    await taker.close()
    expect(stillHeld).toBe(true)
    expect(result.ready).toBe(true)
    expect(result.moves).toEqual([{ from: base, to: base + 1, holder: expect.objectContaining({ pid: process.pid }) }])
    expect(out.lines[0]!.message).toMatch(
      new RegExp(`^⚠️  \\[web\\] Port ${base} taken by pid ${process.pid} \\(bun\\S*\\): restarted on ${base + 1}$`),
    )
    const registry = await createRegistry(options.stateDir)
    expect(registry.leaseOf(project, 'web')?.port).toBe(base + 1)
    // Counted for `berth metrics`.
    expect(registry.samples().filter((x) => x.name === 'berth_conflict_restarts_total')).toEqual([
      { name: 'berth_conflict_restarts_total', labels: { service: 'web' }, value: 1 },
    ])
    registry.close()
  })

  test('the moved lease records the port it left and its holder, shown by berth list --json and berth port --json', async () => {
    const project = temp('proj')
    const options = isolated(project)
    const base = await freeRange(3)
    // A real listener (this test's process) takes the first port between the spawn and the child's listen.
    const before = Date.now()
    const { result, taker } = await execAfterConflict('web', ['node', fixture('node-server.mjs')], options, base)
    await taker.close()
    expect(result.ready).toBe(true)
    const holder = result.moves[0]!.holder!
    expect(holder.pid).toBe(process.pid)
    const registry = await createRegistry(options.stateDir)
    const lease = registry.leaseOf(project, 'web')!
    registry.close()
    expect(lease.port).toBe(base + 1)
    expect(lease.movedFrom).toEqual({ port: base, holderPid: process.pid, holderCommand: holder.command, at: expect.any(Number) })
    expect(lease.movedFrom!.at).toBeGreaterThanOrEqual(before)
    const env = { BERTH_STATE_DIR: options.stateDir, BERTH_PROJECT: project }
    const movedFrom = { port: base, holderPid: process.pid, holderCommand: holder.command, at: new Date(lease.movedFrom!.at).toISOString() }
    const listed = JSON.parse((await berth(['list', '--json'], env)).stdout)
    expect(listed).toEqual([expect.objectContaining({ service: 'web', port: base + 1, movedFrom })])
    const shown = JSON.parse((await berth(['port', 'web', '--json'], env)).stdout)
    expect(shown.leases).toEqual([expect.objectContaining({ service: 'web', port: base + 1, movedFrom })])
  })

  test('gives up after 3 conflict restarts', async () => {
    const base = await freeRange(6)
    const taker = impostor(() => true)
    const out = collector(taker.onLine)
    const result = await exec('web', ['sh', '-c', `${WAIT_FOR_GO}; exit 1`], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: base,
      env: { ...process.env, ...taker.env },
      output: out.output,
      onLog: out.onLog,
    })
    await taker.close()
    expect(result.moves.map((m) => m.from)).toEqual([base, base + 1, base + 2])
    expect(result.code).toBe(1)
    expect(result.failure).toBe(
      `🚨 [web] Port conflict on ${base}, ${base + 1}, ${base + 2}, ${base + 3}: gave up after 3 restarts (the holders were left alone)`,
    )
  })

  test('stderr alone saying the address is in use is a conflict too (the holder may be invisible to this user)', async () => {
    const base = await freeRange(5)
    const out = collector()
    const say = 'echo "Error: listen EADDRINUSE: address already in use :::$PORT" >&2; exit 1'
    const result = await exec('web', ['sh', '-c', say], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: base,
      output: out.output,
      onLog: out.onLog,
    })
    expect(result.moves.map((m) => [m.from, m.to, m.holder])).toEqual([
      [base, base + 1, null],
      [base + 1, base + 2, null],
      [base + 2, base + 3, null],
    ])
    expect(out.lines[0]!.message).toBe(
      `⚠️  [web] Port ${base} taken by another process (not visible to this user): restarted on ${base + 1}`,
    )
    // Tee'd, not swallowed: the child's own stderr is all there.
    expect(out.stderr.split('\n').filter(Boolean).length).toBe(4)
  })

  test('Python losing its port at start-up is restarted on the next one too', async () => {
    const base = await freeRange(3)
    const argv = ['sh', '-c', `${WAIT_FOR_GO}; exec python3 -m http.server "$PORT" --bind 127.0.0.1`]
    const { result, out, taker } = await execAfterConflict('svc', argv, isolated(temp('proj')), base)
    await taker.close()
    expect(out.stderr).toContain('Address already in use')
    expect(result.ready).toBe(true)
    expect(result.moves.map((m) => [m.from, m.to])).toEqual([[base, base + 1]])
  })
})
