import { afterAll, describe, expect, test } from 'bun:test'
import { createServer, type Server } from 'node:http'
import { checkOnce, untilThreshold } from '../../runner/probes.ts'
import { exec } from '../../runner/exec.ts'
import { createRegistry } from '../../registry/registry.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { QUICK, collector, fixture, isolated, stopWhenReady } from './helpers.ts'

const temp = tempDirs()
const servers: Server[] = []
afterAll(() => servers.forEach((s) => s.close()))

/** A real http server answering with the statuses given, one per request (the last one repeats); counts requests. */
async function statusServer(statuses: number[]) {
  const seen = { requests: 0, headers: [] as string[] }
  const server = createServer((req, res) => {
    seen.headers.push(String(req.headers['x-probe'] ?? ''))
    res.statusCode = statuses[Math.min(seen.requests++, statuses.length - 1)]!
    res.end()
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as { port: number }).port, seen }
}

const FAST = { period_seconds: 0.01, timeout_seconds: 1 }

describe('health probes (process-compose keys)', () => {
  test('http_get: success_threshold counts passing checks in a row; status_code and headers are used', async () => {
    const { port, seen } = await statusServer([500, 204, 500, 204, 204])
    const ok = await untilThreshold(
      { http_get: { path: '/health', status_code: 204, headers: { 'x-probe': 'yes' } }, success_threshold: 2, ...FAST },
      { port },
      'success',
      new AbortController().signal,
    )
    expect(ok).toBe(true)
    expect(seen.requests).toBe(5)
    expect(seen.headers.every((h) => h === 'yes')).toBe(true)
  })

  test('http_get: failure_threshold failures in a row fail a liveness probe, a pass in between resets the count', async () => {
    const { port, seen } = await statusServer([500, 200, 500, 500, 500])
    const ok = await untilThreshold({ http_get: {}, failure_threshold: 3, ...FAST }, { port }, 'failure', new AbortController().signal)
    expect(ok).toBe(false)
    expect(seen.requests).toBe(5)
  })

  test('tcp_socket and exec: a listening port and exit code 0 pass; a closed port and exit 1 fail', async () => {
    const { port } = await statusServer([200])
    const closed = await freeRange(1)
    expect(await checkOnce({ tcp_socket: {} }, { port })).toBe(true)
    expect(await checkOnce({ tcp_socket: {} }, { port: closed })).toBe(false)
    expect(await checkOnce({ exec: { command: 'test "$PORT" = 42' } }, { port, env: { PORT: '42' } })).toBe(true)
    expect(await checkOnce({ exec: { command: ['false'] } }, { port })).toBe(false)
  })

  test('a failing liveness probe restarts the service under its restart policy, at most max_restarts times', async () => {
    const out = collector()
    const options = isolated(temp('proj'))
    // The server listens, so it is ready; its liveness probe asks for a path it answers 404.
    const result = await exec('web', ['node', fixture('node-server.mjs')], {
      ...options,
      ...QUICK,
      basePort: await freeRange(1),
      output: out.output,
      onLog: out.onLog,
      livenessProbe: { http_get: { path: '/health', status_code: 418 }, failure_threshold: 2, ...FAST },
      restart: { policy: 'always', max_restarts: 1, backoff_seconds: 0 },
    })
    const messages = out.lines.map((l) => l.message)
    expect(messages.filter((m) => m.includes('Ready on port')).length).toBe(2)
    expect(messages.filter((m) => m.includes('Liveness probe (http_get) failed 2 times')).length).toBe(2)
    expect(result.failure).toBe('🚨 [web] Liveness probe failed')
    const registry = await createRegistry(options.stateDir)
    expect(registry.samples().filter((x) => x.name === 'berth_health_check_failures_total')).toEqual([
      { name: 'berth_health_check_failures_total', labels: { service: 'web' }, value: 4 },
    ])
    registry.close()
  })

  test('a readiness probe must pass before the service is ready', async () => {
    const out = collector()
    const result = await exec('web', ['node', fixture('node-server.mjs')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: await freeRange(1),
      ...stopWhenReady(out),
      readinessProbe: { http_get: { path: '/ready' }, ...FAST },
    })
    expect(result.ready).toBe(true)
    expect(out.lines[0]!.message).toContain('and its readiness probe passed')
  })
})
