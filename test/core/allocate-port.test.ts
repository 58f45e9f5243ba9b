/** allocatePort: the spec's answers and log lines for a free, a busy and an exhausted range, excluded ports, and bad options. */
import { describe, expect, test } from 'bun:test'
import { allocatePort, isPortError, type AllocationEvent } from '../../index.ts'
import { plainRequest, schemaRequest } from '../../core/validate.ts'
import { probeHosts } from '../../probe/check.ts'
import { cleanAfterEach } from '../helpers/clean.ts'
import { freeRange, hold, holdRange } from '../helpers/sockets.ts'

const held = cleanAfterEach()

describe('allocatePort', () => {
  test('a free preferred port is used after 1 attempt, with the spec log line', async () => {
    const base = await freeRange(3)
    const lines: string[] = []
    const logger = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l) }
    const result = await allocatePort({ basePort: base, serviceName: 'web-server', logger })
    expect(result).toMatchObject({ port: base, preferredPort: base, usedPreferred: true, attempts: 1 })
    expect(lines).toEqual([
      `🔍 [web-server] Starting port allocation from ${base} (max: ${base + 100})`,
      `✅ [web-server] Allocated preferred port ${base} after 1 attempt(s)`,
    ])
  })

  test('a busy preferred port falls back to the next one: 2 attempts, the spec fallback line', async () => {
    const base = await freeRange(3)
    held.push(await hold('127.0.0.1', base))
    const events: AllocationEvent[] = []
    const result = await allocatePort({ basePort: base, serviceName: 'api-server', onEvent: (e) => events.push(e) })
    expect(result).toMatchObject({ port: base + 1, usedPreferred: false, attempts: 2 })
    expect(result.skipped).toEqual([{ port: base, reason: 'in-use', host: '::' }])
    expect(events.at(-1)?.message).toBe(`⚠️  [api-server] Allocated fallback port ${base + 1} (preferred: ${base}) after 2 attempt(s)`)
  })

  test('a listener on ::1 alone is seen: IPv6-only holders are not missed', async () => {
    const base = await freeRange(2)
    held.push(await hold('::1', base, { ipv6Only: true }))
    const result = await allocatePort({ basePort: base, serviceName: 'v6' })
    expect(result.port).toBe(base + 1)
  })

  test('an exhausted range throws the spec error, counting every candidate', async () => {
    const range = await holdRange(5)
    held.push(range)
    const promise = allocatePort({ basePort: range.from, maxPort: range.to, serviceName: 'web-server' })
    const error = await promise.catch((e: unknown) => e)
    expect(isPortError(error) && error.code).toBe('E_NO_PORT')
    expect((error as Error).message).toBe(
      `🚨 [web-server] No available ports found in range ${range.from}-${range.to} after 5 attempts.\n` +
        'Consider expanding the port range or checking for port conflicts.',
    )
  })

  test('excluded ports are skipped with their reason', async () => {
    const base = await freeRange(4)
    const result = await allocatePort({ basePort: base, serviceName: 'x', exclude: [base, base + 1] })
    expect(result.port).toBe(base + 2)
    expect(result.skipped.map((s) => s.reason)).toEqual(['excluded', 'excluded'])
  })

  test('bad options are refused with a message naming the value', async () => {
    const cases: Array<[object, string]> = [
      [{ basePort: 70000, serviceName: 'x' }, 'basePort must be a whole number from 1 to 65535, got 70000'],
      [{ basePort: '3000', serviceName: 'x' }, 'basePort must be a whole number from 1 to 65535, got "3000"'],
      [{ basePort: 3100, maxPort: 3000, serviceName: 'x' }, 'the range 3100-3000 is reversed'],
      [{ basePort: 3000, serviceName: '' }, 'serviceName must be 1-128 printable characters, got ""'],
      [{ basePort: 3000, serviceName: 'x', exclude: [0] }, 'each excluded port must be a whole number from 1 to 65535, got 0'],
      [{ basePort: 3000, serviceName: 'x', host: 'example.invalid' }, 'Invalid host "example.invalid"'],
    ]
    for (const [options, message] of cases) {
      await expect(allocatePort(options as never)).rejects.toThrow(message)
    }
  })

  test('the hand-checked common request and the schema give the same answers', () => {
    const plain = [
      { basePort: 3000, serviceName: 'web' },
      { basePort: 65500, serviceName: 'x' },
      { basePort: 1, maxPort: 1, serviceName: 'a'.repeat(128) },
      { basePort: 3000, maxPort: 3010, serviceName: 'api server ✓', logger: console },
      { basePort: 3000, serviceName: 'cli', exclude: [] },
    ]
    for (const input of plain) expect(plainRequest(input, probeHosts)).toEqual(schemaRequest(input, probeHosts))
    // Everything else is left to the schema: bad values (it names them) and the other fields.
    const others = [
      { basePort: 0, serviceName: 'x' },
      { basePort: 3000.5, serviceName: 'x' },
      { basePort: 70000, serviceName: 'x' },
      { basePort: '3000', serviceName: 'x' },
      { basePort: Number.NaN, serviceName: 'x' },
      { basePort: 3100, maxPort: 3000, serviceName: 'x' },
      { basePort: 3000, maxPort: 65536, serviceName: 'x' },
      { basePort: 3000, serviceName: '' },
      { basePort: 3000, serviceName: 'a'.repeat(129) },
      { basePort: 3000, serviceName: 'tab\there' },
      { basePort: 3000, serviceName: 7 },
      { basePort: 3000, serviceName: 'x', exclude: [3001] },
      { basePort: 3000, serviceName: 'x', host: '::1' },
      { basePort: 3000, serviceName: 'x', strict: false },
      { basePort: 3000, serviceName: 'x', options: { pool: { name: 'web' } } },
    ]
    for (const input of others) expect(plainRequest(input as never, probeHosts)).toBeNull()
  })
})
