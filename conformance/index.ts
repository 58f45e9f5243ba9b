/**
 * The shared conformance suite for plugins:
 * `conformance('my-plugin', (range) => myPlugin(), { describe, test }, { request, env, capabilities })`
 * registers tests with any runner (bun:test, vitest, node:test). Real sockets on loopback only.
 * A plugin passes when berth still keeps its promises with it and its own hooks run: every port
 * is free and bindable, held and excluded ports are never handed out, concurrent callers (in one
 * allocator and in two) get distinct ports, a released port is handed out again, a full range
 * fails cleanly, the plugin survives dispose and reuse, and every hook it has runs under the
 * suite's requests, its answers used.
 */
import type { PortPlugin } from '../core/types.ts'
import { harness } from './harness.ts'
import { hookTests } from './hooks.ts'
import type { ConformanceOptions, ConformanceRange, TestApi } from './options.ts'
import { promiseTests } from './promises.ts'

export type { ConformanceOptions, ConformanceRange, TestApi } from './options.ts'
export { canBind, freeRange, hold, holdRange, type Held } from './sockets.ts'

export function conformance(
  name: string,
  makePlugin: (range: ConformanceRange) => PortPlugin,
  { describe, test }: TestApi,
  options: ConformanceOptions = {},
): void {
  const suite = harness(makePlugin, options)
  describe(`conformance: ${name}`, () => {
    promiseTests(test, suite)
    hookTests(test, suite)
  })
}
