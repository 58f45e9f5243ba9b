/** Every plugin berth ships, and the example plugin, through the shared conformance suite. */
import { describe, expect, test } from 'bun:test'
import { conformance } from '../../conformance/index.ts'
import { envPreference, exclusions, persist, pool, priority, sequential } from '../../plugins/index.ts'
import hashStrategy from '../../examples/plugins/hash-strategy.ts'
import { freshStateDir } from '../helpers/binary.ts'

const api = { describe, test }

conformance('sequential', () => sequential(), api)
conformance('envPreference', () => envPreference({ variable: 'BERTH_CONFORMANCE_PORT' }), api)
conformance('pool', () => pool({ pools: { web: '3000-3099' } }), api)
conformance('priority', () => priority(), api)
conformance('exclusions', () => exclusions(), api)
conformance('persist', () => persist({ stateDir: freshStateDir(), project: '/conformance' }), api)
conformance('hash-strategy (examples/plugins)', () => hashStrategy(), api)

describe('the conformance suite itself', () => {
  /** Collects the suite's tests instead of registering them, so they can be run and watched failing. */
  function collect(makePlugin: () => import('../../core/types.ts').PortPlugin) {
    const tests: Array<{ name: string; body: () => Promise<void> }> = []
    conformance('under test', makePlugin, { describe: (_name, body) => body(), test: (name, body) => void tests.push({ name, body }) })
    return tests
  }
  const failures = async (tests: ReturnType<typeof collect>) => {
    const failed: string[] = []
    for (const t of tests) await t.body().catch(() => failed.push(t.name))
    return failed
  }

  test('fails a plugin that is shared between allocators and refuses every port', async () => {
    const shared = { name: 'refuses-all', accept: () => 'no' }
    const failed = await failures(collect(() => shared))
    expect(failed).toContain('has a non-empty name and the factory makes a fresh plugin each time')
    expect(failed).toContain('never hands out a port held on IPv4 or IPv6, and every port it hands out binds')
    expect(failed).toContain('concurrent callers get distinct ports')
  })
})
