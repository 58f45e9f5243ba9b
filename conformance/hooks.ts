/** The conformance test of the plugin's own hooks: every hook it has runs under the suite's requests, and its answers are used. */
import type { AllocationResult } from '../core/types.ts'
import { releaseClaim } from '../core/claims.ts'
import { check, type Harness } from './harness.ts'
import type { TestApi } from './options.ts'
import { HOOKS, newRecord, type HookName } from './recorder.ts'
import { canBind } from './sockets.ts'

export function hookTests(test: TestApi['test'], { makePlugin, options, requestOf, using, rangeOf }: Harness): void {
  test('every hook it has runs under the suite, and its answers are used', async () => {
    const range = await rangeOf(8)
    const plugin = makePlugin(range)
    const record = newRecord()
    await using(
      range,
      async (allocate, allocator) => {
        // Services allocated together go in the order the plugins give (order), as allocateMultiplePorts does.
        const inputs = [0, 1, 2].map((i) => requestOf(range, 100 + i))
        const ordered = await allocator.order(inputs)
        check(ordered.length === inputs.length && inputs.every((r) => ordered.includes(r)), 'order() did not return every request once')
        const results: AllocationResult[] = []
        for (const input of ordered) results.push(await allocate(input))
        check(
          new Set(results.map((r) => r.port)).size === 3,
          `services allocated together shared a port: ${results.map((r) => r.port).join(', ')}`,
        )
        if (record.answered.has('candidates')) {
          for (const r of results)
            check(record.offered.has(r.port), `handed out ${r.port}, which the plugin neither preferred nor offered as a candidate`)
        }
        // The same service asking again, as after a restart: its plugin may remember its port (preferred).
        releaseClaim(results[2]!.port)
        const again = await allocate(ordered[2])
        check(await canBind(again.port), `handed out ${again.port} again, which does not bind`)
        await allocator.release(results[0]!.port)
        await allocator.rollback(results[1]!.port)
      },
      record,
    )
    const has = (hook: HookName) => typeof plugin[hook] === 'function'
    const never = HOOKS.filter((hook) => has(hook) && !record.calls.get(hook))
    check(never.length === 0, `its ${never.join(', ')} hook(s) never ran under the suite's requests (give them with the request option)`)
    const silent = (['preferred', 'candidates', 'order'] as const).filter(
      (hook) => has(hook) && (options.capabilities?.[hook] ?? true) && !record.answered.has(hook),
    )
    check(
      silent.length === 0,
      `its ${silent.join(', ')} hook(s) never answered for the suite's requests (give them with the request option, or say so in capabilities)`,
    )
  })
}
