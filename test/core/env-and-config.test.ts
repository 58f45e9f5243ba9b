import { afterEach, describe, expect, test } from 'bun:test'
import {
  clearClaims,
  config,
  getConfig,
  getPortFromEnvOrAllocate,
  resetConfig,
  type AllocationEvent,
  type AllocationResult,
} from '../../index.ts'
import { formatSummary } from '../../core/messages.ts'
import { parsePortText } from '../../core/validate.ts'
import { closeAll, freeRange, hold, type Held } from '../helpers/sockets.ts'
import { freshStateDir, tempDirs } from '../helpers/temp.ts'

tempDirs()

const held: Held[] = []
afterEach(async () => {
  await closeAll(held)
  clearClaims()
  resetConfig()
})

const INVALID = ['abc', '3000abc', '1e3', '0x50', ' 80', '80 ', '-1', '65536', '', '0', '080', '3000.5', '3_000']

describe('getPortFromEnvOrAllocate', () => {
  test('a valid, free value of the variable is used', async () => {
    const base = await freeRange(1)
    const wanted = await freeRange(1)
    expect(await getPortFromEnvOrAllocate('PORT', base, 'main-server', { env: { PORT: String(wanted) } })).toBe(wanted)
  })

  test('a valid but busy value falls back to the range from basePort', async () => {
    const base = await freeRange(1)
    const busy = await hold('0.0.0.0')
    held.push(busy)
    expect(await getPortFromEnvOrAllocate('PORT', base, 'main-server', { env: { PORT: String(busy.port) } })).toBe(base)
  })

  for (const value of INVALID) {
    test(`PORT=${JSON.stringify(value)} is ignored with a warning naming the variable and value`, async () => {
      const base = await freeRange(1)
      const events: AllocationEvent[] = []
      const port = await getPortFromEnvOrAllocate('PORT', base, 'main-server', { env: { PORT: value }, onEvent: (e) => events.push(e) })
      expect(port).toBe(base)
      const warning = events.find((e) => e.type === 'warning')
      expect(warning?.message).toBe(
        `⚠️  [main-server] Ignoring invalid PORT=${JSON.stringify(value)} (expected a whole number from 1 to 65535); ` +
          `falling back to dynamic allocation from ${base}`,
      )
    })
  }

  test('parsePortText accepts only plain digits from 1 to 65535', () => {
    for (const value of INVALID) expect(parsePortText(value)).toBeNull()
    expect(parsePortText('1')).toBe(1)
    expect(parsePortText('65535')).toBe(65535)
  })
})

describe('getConfig and the summary report', () => {
  test('reading config before getConfig() throws "Config not initialized"', () => {
    expect(() => config.PORT).toThrow('Config not initialized')
  })

  test("getConfig allocates the spec's development services and exposes PORT, VITE_HMR_PORT, API_TARGET", async () => {
    // A registry of its own: tests never touch the user's real one (~/.local/state/berth).
    const loaded = await getConfig({ environment: 'development', env: { BERTH_STATE_DIR: freshStateDir() } })
    expect(loaded.allocations.map((a) => a.serviceName)).toEqual(['web-server', 'api-server', 'vite-hmr'])
    expect(config.PORT).toBe(loaded.allocations[0]!.port)
    expect(config.API_TARGET).toBe(`http://localhost:${loaded.allocations[1]!.port}`)
    expect(config.VITE_HMR_PORT).toBe(loaded.allocations[2]!.port)
    expect(await getConfig()).toBe(loaded)
  })

  test("the summary matches the spec's report for the spec's example", () => {
    const row = (serviceName: string, port: number, preferredPort: number, attempts: number): AllocationResult => ({
      serviceName,
      port,
      preferredPort,
      usedPreferred: port === preferredPort,
      outcome: port === preferredPort ? 'preferred' : 'fallback',
      attempts,
      host: undefined,
      skipped: [],
    })
    const report = formatSummary([row('web-server', 5000, 5000, 1), row('api-server', 3001, 3000, 2), row('vite-hmr', 24678, 24678, 1)])
    expect(report).toBe(
      [
        '📊 PORT ALLOCATION SUMMARY:',
        '==================================================',
        'web-server           | Port: 5000  | ✅ PREFERRED | Attempts: 1',
        'api-server           | Port: 3001  | ⚠️  FALLBACK | Attempts: 2',
        'vite-hmr             | Port: 24678 | ✅ PREFERRED | Attempts: 1',
        '==================================================',
        '📈 Statistics:',
        '   • Total services: 3',
        '   • Preferred ports: 2  ',
        '   • Fallback ports: 1',
        '   • Total attempts: 4',
        '   • Success rate: 66.7%',
      ].join('\n'),
    )
  })
})
