/** Groups that stay where they were, strict members inside groups, and what the summary calls a port (issue 12, items 1, 2, 4). */
import { afterEach, describe, expect, test } from 'bun:test'
import { makeProject } from '../helpers/project.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const held: Array<{ close(): Promise<void> }> = []
afterEach(() => closeAll(held))

function stackProject(api: number, db: number, strict = false) {
  return makeProject(tempDir, {
    environments: {
      development: {
        services: { api: { base: api, env: 'API_PORT' }, db: { base: db, env: 'DB_PORT', ...(strict ? { strict: true } : {}) } },
        groups: { stack: { services: ['api', 'db'], span: 10 } },
      },
    },
  })
}

describe('groups are sticky', () => {
  test('a group placed at offset 1 stays there when offset 0 is free again, and warns when it has to move', async () => {
    const from = await freeRange(40)
    const p = stackProject(from, from + 20)
    const blocker = await hold('127.0.0.1', from)
    const first = await p.runFromShell(['up'])
    expect(first.code).toBe(0)
    expect(first.stdout).toStartWith(`API_PORT=${from + 1}\nDB_PORT=${from + 21}\n`)
    expect(first.stderr).toContain(`⚠️  [stack] Placed api:${from + 1}, db:${from + 21} at offset 1 (preferred: offset 0)`)
    await blocker.close()

    const again = await p.runFromShell(['up'])
    expect(again.stdout).toStartWith(`API_PORT=${from + 1}\nDB_PORT=${from + 21}\n`)
    expect(again.stderr).toContain(`✅ [stack] Placed api:${from + 1}, db:${from + 21} at offset 1, remembered for stack`)
    expect(again.stderr).toContain(`api                  | Port: ${from + 1} | 📌 REMEMBERED | Attempts: 1`)

    held.push(await hold('127.0.0.1', from + 21))
    const moved = await p.runFromShell(['up'])
    expect(moved.stdout).toStartWith(`API_PORT=${from}\nDB_PORT=${from + 20}\n`)
    expect(moved.stderr).toContain(
      `⚠️  [stack] Offset 1, remembered for stack, no longer places every member (db:${from + 21} in use by another process): placed api:${from}, db:${from + 20} at offset 0`,
    )
    expect((await p.leases()).map((l) => [l.service, l.port]).sort()).toEqual([
      ['api', from],
      ['db', from + 20],
    ])
  })
})

describe('a strict member pins its group', () => {
  test('the strict member port taken: the group fails with the strict message naming the holder, and claims nothing', async () => {
    const from = await freeRange(40)
    const p = stackProject(from, from + 20, true)
    held.push(await hold('127.0.0.1', from + 20))
    const ran = await p.run(['up'])
    expect(ran).toMatchObject({ code: 1, stdout: '' })
    expect(ran.stderr).toContain(`🚨 [db] Port ${from + 20} is in-use and db is strict, so it will not move: held by pid ${process.pid}`)
    expect(await p.leases()).toEqual([])
  })

  test('another member port taken: the group stays at offset 0 and fails, naming the strict member', async () => {
    const from = await freeRange(40)
    const p = stackProject(from, from + 20, true)
    held.push(await hold('127.0.0.1', from))
    const ran = await p.run(['up'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      `🚨 [stack] api:${from} in use by another process, and db is strict, so stack stays at offset 0: nothing was claimed`,
    )
    expect(await p.leases()).toEqual([])
  })
})

describe('what the summary calls a port', () => {
  test('a remembered port is REMEMBERED, not PREFERRED, and the statistics count it apart', async () => {
    const from = await freeRange(20)
    const p = makeProject(tempDir, { environments: { development: { services: { web: { base: from, max: from + 9, env: 'PORT' } } } } })
    const blocker = await hold('127.0.0.1', from)
    expect((await p.runFromShell(['up'])).stderr).toContain(`web                  | Port: ${from + 1} | ⚠️  FALLBACK | Attempts: 2`)
    await blocker.close()
    const again = await p.runFromShell(['up', '--format', 'json'])
    expect(again.stderr).toContain(`✅ [web] Allocated remembered port ${from + 1} (preferred: ${from}) after 1 attempt(s)`)
    expect(again.stderr).toContain(`web                  | Port: ${from + 1} | 📌 REMEMBERED | Attempts: 1`)
    expect(again.stderr).toContain('   • Preferred ports: 0  \n   • Remembered ports: 1\n   • Fallback ports: 0\n')
    expect(JSON.parse(again.stdout).allocations[0]).toMatchObject({
      port: from + 1,
      preferredPort: from,
      outcome: 'remembered',
      rememberedPort: from + 1,
    })
  })

  test('instances #2…#N prefer their own slot of the range, so they are not fallbacks', async () => {
    const from = await freeRange(20)
    const p = makeProject(tempDir, {
      environments: { development: { services: { worker: { base: from, instances: 3 } }, exports: { W: '${worker.ports}' } } },
    })
    const ran = await p.run(['up'])
    expect(ran.stdout).toStartWith(`W=${from},${from + 1},${from + 2}\n`)
    for (const [i, port] of [from, from + 1, from + 2].entries()) {
      expect(ran.stderr).toContain(`${`worker#${i + 1}`.padEnd(20)} | Port: ${port} | ✅ PREFERRED | Attempts: 1`)
    }
    expect(ran.stderr).toContain('   • Success rate: 100.0%')
  })
})
