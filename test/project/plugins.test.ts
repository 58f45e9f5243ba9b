/** Every plugin berth ships, and the example plugins, through the shared conformance suite, each with the requests that make its own hooks run. */
import { describe, test } from 'bun:test'
import { conformance } from '../../conformance/index.ts'
import { containers, envPreference, exclusions, persist, pool, priority, sequential } from '../../plugins/index.ts'
import hashStrategy from '../../examples/plugins/hash-strategy.ts'
import { freshStateDir } from '../helpers/binary.ts'

const api = { describe, test }

conformance('sequential', () => sequential(), api)
// The variable named per request (what envVar stands for), its value a port of the range.
conformance('envPreference', () => envPreference(), api, {
  request: () => ({ options: { envPreference: { variable: 'BERTH_CONFORMANCE_PORT' } } }),
  env: (range) => ({ BERTH_CONFORMANCE_PORT: String(range.from) }),
})
conformance('pool', (range) => pool({ pools: { suite: `${range.from}-${range.to}` } }), api, {
  request: () => ({ options: { pool: { name: 'suite' } } }),
})
conformance('priority', () => priority(), api, { request: (_range, i) => ({ options: { priority: { value: i % 3 } } }) })
conformance('exclusions', () => exclusions(), api)
// With no daemon on this machine it finds no container; its setup and accept run all the same.
conformance('containers', () => containers(), api)
conformance('persist', () => persist({ stateDir: freshStateDir(), project: '/conformance' }), api)
conformance('hash-strategy (examples/plugins)', () => hashStrategy(), api, { request: (_range, i) => ({ options: { hash: { seed: i } } }) })
