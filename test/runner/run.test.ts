import { describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exec } from '../../runner/exec.ts'
import { run } from '../../runner/run.ts'
import { parseConfig } from '../../project/schema.ts'
import { freshStateDir } from '../helpers/binary.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { fixture, impostor, QUICK } from './helpers.ts'

const temp = tempDirs()

/** A project folder with this berth.config.json (development environment). */
function project(services: Record<string, unknown>, exports?: Record<string, string>): string {
  const dir = temp('run')
  writeFileSync(
    join(dir, 'berth.config.json'),
    JSON.stringify({ environments: { development: { services, ...(exports ? { exports } : {}) } } }),
  )
  return dir
}

function capture() {
  const text = { stdout: '', stderr: '' }
  return { text, write: (stream: 'stdout' | 'stderr', chunk: string) => void (text[stream] += chunk) }
}

describe('berth run', () => {
  test('starts in dependency order, waits for readiness, prefixes output, stops in reverse order', async () => {
    const base = await freeRange(4)
    const dir = project(
      {
        'api-server': { base, command: ['node', fixture('service.mjs'), 'api'] },
        web: {
          base: base + 2,
          command: ['node', fixture('service.mjs'), 'web'],
          environment: { NEEDS: 'API_SERVER_PORT' },
          depends_on: { 'api-server': { condition: 'ready' } },
        },
      },
      { API_TARGET: 'http://localhost:${api-server.port}' },
    )
    const out = capture()
    const ac = new AbortController()
    let ports: Record<string, number> = {}
    const result = await run({
      cwd: dir,
      stateDir: freshStateDir(),
      env: { ...process.env, NODE_ENV: '' },
      ...QUICK,
      write: out.write,
      signal: ac.signal,
      onAllReady: (p) => {
        ports = p
        ac.abort('SIGTERM')
      },
    })
    expect(result.order).toEqual(['api-server', 'web'])
    expect(ports).toEqual({ 'api-server': base, web: base + 2 })
    const lines = out.text.stdout.trim().split('\n')
    // The dependent saw its dependency answering when it started: readiness gated its start.
    expect(lines).toContain(`web        | web sees api ${base}`)
    expect(lines).toContain('api-server | api listening')
    // Reverse shutdown: web stops before api-server.
    expect(lines.findIndex((l) => l.endsWith('web stopping'))).toBeLessThan(lines.findIndex((l) => l.endsWith('api stopping')))
    expect(result.code).toBe(143)
    expect(await canBind(base, '127.0.0.1')).toBe(true)
  })

  test('a service that cannot recover stops the others, with a message and a non-zero exit', async () => {
    const base = await freeRange(4)
    const dir = project({
      api: { base, command: ['node', fixture('service.mjs'), 'api'] },
      worker: { base: base + 2, command: 'sleep 0.3; exit 4', depends_on: ['api'] },
    })
    const out = capture()
    const lines: string[] = []
    const result = await run({ cwd: dir, stateDir: freshStateDir(), ...QUICK, write: out.write, onLog: (l) => lines.push(l.message) })
    expect(result.code).toBe(4)
    expect(result.failure).toBe('🚨 [worker] cannot recover; stopping the other services')
    expect(out.text.stdout).toContain('api stopping')
    expect(lines).toContain('🚨 [worker] Exited with code 4 before it was ready on port ' + (base + 2))
  })

  test('a service with instances and a command is refused with a clear message', async () => {
    const dir = project({ web: { base: 3000, instances: 2, command: 'true' } })
    await expect(run({ cwd: dir, stateDir: freshStateDir(), ...QUICK })).rejects.toThrow(
      /web has "instances" and a "command": berth run starts one process per service/,
    )
  })

  test('the config keys are validated with key paths', () => {
    const bad = {
      environments: {
        development: {
          services: {
            web: {
              base: 3000,
              command: 'x',
              depends_on: { api: { condition: 'healthy' } },
              readiness_probe: { http_get: {}, exec: { command: 'true' } },
              restart: 'sometimes',
            },
          },
        },
      },
    }
    expect(() => parseConfig(bad, 'berth.config.json')).toThrow(
      /environments\.development\.services\.web\.depends_on: expected a list of services or \{ "api": \{ "condition": "ready" \} \}, got \{"api":\{"condition":"healthy"\}\}/,
    )
    expect(() => parseConfig(bad, 'berth.config.json')).toThrow(/readiness_probe: a probe needs exactly one of http_get, exec, tcp_socket/)
  })

  test('exec of a service in the project file: its port, its env name and extras, the exports and every sibling', async () => {
    const base = await freeRange(4)
    const dir = project(
      {
        'api-server': { base, env: 'API_PORT' },
        web: { base: base + 2, env: 'WEB_PORT', environment: { EXTRA_FLAG: 'on' } },
      },
      { API_TARGET: 'http://localhost:${api-server.port}' },
    )
    let printed = ''
    const result = await exec('web', ['node', fixture('print-env.mjs')], {
      cwd: dir,
      stateDir: freshStateDir(),
      ...QUICK,
      ready: false,
      env: { ...process.env, NODE_ENV: '' },
      output: (stream, chunk) => void (stream === 'stdout' && (printed += Buffer.from(chunk).toString())),
    })
    expect(result).toMatchObject({ code: 0, port: base + 2 })
    expect(JSON.parse(printed).env).toMatchObject({
      PORT: String(base + 2),
      WEB_PORT: String(base + 2),
      API_SERVER_PORT: String(base),
      API_PORT: String(base),
      API_TARGET: `http://localhost:${base}`,
      EXTRA_FLAG: 'on',
    })
  })

  test('a dependency that moved after a port conflict: its dependents get its new port and exports', async () => {
    const base = await freeRange(4)
    // api's first start loses its port to another listener before it listens.
    const taker = impostor((_, nth) => nth === 0)
    const dir = project(
      {
        api: { base, command: ['node', fixture('service.mjs'), 'api'], environment: taker.env },
        web: {
          base: base + 2,
          command: ['node', fixture('service.mjs'), 'web'],
          environment: { NEEDS: 'API_TARGET' },
          depends_on: { api: { condition: 'ready' } },
        },
      },
      { API_TARGET: 'http://127.0.0.1:${api.port}/' },
    )
    const out = capture()
    const ac = new AbortController()
    const write = (stream: 'stdout' | 'stderr', text: string) => {
      out.write(stream, text)
      for (const line of text.split('\n')) if (line.startsWith('api ')) taker.onLine(line)
    }
    const result = await run({
      cwd: dir,
      stateDir: freshStateDir(),
      ...QUICK,
      write,
      signal: ac.signal,
      onAllReady: () => ac.abort('SIGTERM'),
    })
    await taker.close()
    expect(result.services.api!.moves.map((m) => [m.from, m.to])).toEqual([[base, base + 1]])
    expect(out.text.stdout).toContain(`web | web sees api ${base + 1}`)
  })
})
