/** berth exec on a port conflict: an impostor is never readiness, the service restarts on the next port and the lease moves with it. */
import { describe, expect, test } from 'bun:test'
import { exec } from '../../runner/exec.ts'
import { createRegistry } from '../../registry/registry.ts'
import { berth } from '../helpers/binary.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { QUICK, WAIT_FOR_GO, collector, fixture, impostor, isolated, stopWhenReady } from './helpers.ts'

const temp = tempDirs()

/**
 * Runs `argv` as `service` while a real listener (this test's process) takes its first port
 * between the spawn and the child's own listen; stops the service once it is ready. The caller
 * closes `taker`.
 */
async function execAfterConflict(service: string, argv: string[], options: ReturnType<typeof isolated>, base: number) {
  const taker = impostor((_, nth) => nth === 0)
  const out = collector(taker.onLine)
  const result = await exec(service, argv, {
    ...options,
    ...QUICK,
    basePort: base,
    env: { ...process.env, ...taker.env },
    ...stopWhenReady(out),
  })
  return { result, out, taker }
}

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
