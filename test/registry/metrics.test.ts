/**
 * Metrics kept in the registry, through the binary: the counts of several short runs add up, the
 * text parses with a Prometheus text-format parser, `--textfile` and `--serve` work, and the
 * schema change keeps saved leases.
 */
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import parse from 'parse-prometheus-text-format'
import { REGISTRY_FILE } from '../../registry/open.ts'
import { createRegistry } from '../../registry/registry.ts'
import { SCHEMA_VERSION } from '../../registry/schema.ts'
import { berth, binary, freshStateDir } from '../helpers/binary.ts'
import { firstLine } from '../helpers/servers.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()

type Families = ReturnType<typeof parse>
const family = (families: Families, name: string) => families.find((f) => f.name === name)!
const value = (families: Families, name: string, labels: Record<string, string>) =>
  Number(family(families, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ?? NaN)

describe('berth metrics', () => {
  test('counts of separate runs add up; the text parses as Prometheus 0.0.4 and ends with a newline', async () => {
    const env = { BERTH_STATE_DIR: freshStateDir(), BAD_PORT: 'eighty' }
    const base = await freeRange(4)
    const blocker = await hold('127.0.0.1', base + 1)
    try {
      // web twice: its preferred port both times; api: base is leased to web and base+1 is in use (fallback), with a bad PORT value; db: exhausted.
      expect((await berth(['get', 'web', '--base', String(base), '--max', String(base + 3)], env)).stdout).toBe(`${base}\n`)
      expect((await berth(['get', 'web', '--base', String(base), '--max', String(base + 3)], env)).stdout).toBe(`${base}\n`)
      expect((await berth(['get', 'api', '--base', String(base), '--max', String(base + 3), '--env', 'BAD_PORT'], env)).stdout).toBe(
        `${base + 2}\n`,
      )
      // Exhausted: only the blocked port in range.
      expect((await berth(['get', 'db', '--base', String(base + 1), '--max', String(base + 1)], env)).code).toBe(1)
    } finally {
      await closeAll([blocker])
    }
    const ran = await berth(['metrics'], env)
    expect(ran.code).toBe(0)
    expect(ran.stdout.endsWith('\n')).toBe(true)
    expect(ran.stdout).toContain('# TYPE berth_allocations_total counter')
    const families = parse(ran.stdout)
    expect(value(families, 'berth_allocations_total', { service: 'web', outcome: 'preferred' })).toBe(2)
    expect(value(families, 'berth_allocations_total', { service: 'api', outcome: 'fallback' })).toBe(1)
    expect(value(families, 'berth_allocation_failures_total', { service: 'api', reason: 'invalid_env' })).toBe(1)
    expect(value(families, 'berth_allocation_failures_total', { service: 'db', reason: 'exhausted' })).toBe(1)
    // Checks: 3 free answers; in use: the blocker, by api and by db.
    expect(value(families, 'berth_port_checks_total', { result: 'free' })).toBe(3)
    expect(value(families, 'berth_port_checks_total', { result: 'in_use' })).toBe(2)
    expect(value(families, 'berth_leases', { state: 'active' })).toBe(2)
    const histogram = family(families, 'berth_probe_duration_seconds')
    expect(histogram.type).toBe('HISTOGRAM')
    // At least one round of checks per allocation that reached a socket (4); +Inf holds them all.
    const rounds = Number(histogram.metrics[0]!.count)
    expect(rounds).toBeGreaterThanOrEqual(4)
    expect(histogram.metrics[0]!.buckets!['+Inf']).toBe(String(rounds))
    // (A JavaScript object lists the key "1" first, so the set is compared, not the order.)
    expect(Object.keys(histogram.metrics[0]!.buckets!).sort()).toEqual(
      ['0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '+Inf'].sort(),
    )
    for (const f of families) expect(f.name.startsWith('berth_')).toBe(true)
    expect(ran.stdout).not.toMatch(/port="/)
  })

  test('--json has the same families; --textfile writes berth.prom whole, leaving no temporary file', async () => {
    const env = { BERTH_STATE_DIR: freshStateDir() }
    await berth(['get', 'web', '--base', String(await freeRange(2))], env)
    const json = JSON.parse((await berth(['metrics', '--json'], env)).stdout)
    expect(json.find((f: { name: string }) => f.name === 'berth_allocations_total').samples[0]).toMatchObject({
      labels: { service: 'web', outcome: 'preferred' },
      value: 1,
    })
    const dir = tempDir('berth-textfile')
    const wrote = await berth(['metrics', '--textfile', dir], env)
    expect(wrote.code).toBe(0)
    expect(readdirSync(dir)).toEqual(['berth.prom'])
    expect(value(parse(readFileSync(join(dir, 'berth.prom'), 'utf8')), 'berth_allocations_total', { service: 'web' })).toBe(1)
    const missing = await berth(['metrics', '--textfile', join(dir, 'nope')], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`--textfile ${join(dir, 'nope')} is not a folder`)
  })

  test('--serve answers /metrics on a port leased to berth-metrics', async () => {
    const env = { ...process.env, NO_COLOR: '1', BERTH_STATE_DIR: freshStateDir() }
    const base = await freeRange(3)
    const proc = Bun.spawn([binary(), 'metrics', '--serve', '--base', String(base)], {
      env,
      stdout: 'pipe',
      stderr: 'pipe',
      stdin: 'ignore',
    })
    try {
      const port = Number(await firstLine(proc.stdout))
      expect(port).toBe(base)
      const response = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      const families = parse(await response.text())
      expect(value(families, 'berth_allocations_total', { service: 'berth-metrics', outcome: 'preferred' })).toBe(1)
    } finally {
      proc.kill('SIGTERM')
      expect(await proc.exited).toBe(143)
    }
  })

  test('countEvent: the runner counts conflict restarts; an unknown name or label is refused', async () => {
    const dir = freshStateDir()
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const registry = await createRegistry(dir)
    try {
      registry.countEvent('conflict_restarts', { service: 'web' })
      registry.countEvent('berth_conflict_restarts_total', { service: 'web' }, 2)
      registry.countEvent('health_check_failures', { service: 'api' })
      expect(() => registry.countEvent('restarts', { service: 'web' })).toThrow('Unknown metric "restarts"')
      expect(() => registry.countEvent('conflict_restarts', { port: '3000' })).toThrow('Metric label "port" is not one of')
    } finally {
      registry.close()
    }
    const families = parse((await berth(['metrics'], { BERTH_STATE_DIR: dir })).stdout)
    expect(value(families, 'berth_conflict_restarts_total', { service: 'web' })).toBe(3)
    expect(value(families, 'berth_health_check_failures_total', { service: 'api' })).toBe(1)
  })

  test('the schema change keeps saved leases: a schema-2 registry opens with its leases and gains the metrics table', async () => {
    const env = { BERTH_STATE_DIR: freshStateDir() }
    const base = await freeRange(2)
    await berth(['get', 'web', '--base', String(base), '--ttl', '1h'], env)
    const file = join(env.BERTH_STATE_DIR, REGISTRY_FILE)
    const db = new Database(file)
    // Back to schema 2 exactly: without the later migrations' table and column.
    db.exec(
      'DROP TABLE metrics; ALTER TABLE leases DROP COLUMN moved_from; DELETE FROM migrations WHERE version >= 3; PRAGMA user_version = 2',
    )
    db.close()
    const list = JSON.parse((await berth(['list', '--json'], env)).stdout)
    expect(list).toEqual([expect.objectContaining({ service: 'web', port: base, state: 'active' })])
    const again = new Database(file)
    expect(again.query('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION })
    expect(again.query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'metrics'").get()).toEqual({ n: 1 })
    again.close()
  })
})
