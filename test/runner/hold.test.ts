import { describe, expect, test } from 'bun:test'
import { spawnChild } from '../../runner/child.ts'
import { createHolds } from '../../runner/hold.ts'
import { listenerOf } from '../../runner/proc-tree.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { fixture } from './helpers.ts'

describe('the hold', () => {
  test('a free port stays bound on every address until the spawn releases it, and the child then listens there', async () => {
    const port = await freeRange(1)
    const holds = createHolds()
    expect(await holds.probe(port, ['::', '0.0.0.0'])).toEqual({ port, free: true })
    const hold = holds.keep(port)!
    // What the allocation looked at but did not choose goes; the kept hold stays.
    holds.releaseAll()
    for (const host of ['127.0.0.1', '::1', '0.0.0.0', '::'])
      expect({ host, free: await canBind(port, host) }).toEqual({ host, free: false })
    let out = ''
    const child = await spawnChild({
      argv: ['node', fixture('node-server.mjs')],
      env: { ...process.env, PORT: String(port) },
      hold,
      output: (_, c) => void (out += Buffer.from(c)),
    })
    while (!out.includes('listening') && !out.includes('EADDRINUSE') && (await listenerOf(port, child.pid)).kind !== 'ours')
      await Bun.sleep(10)
    expect((await listenerOf(port, child.pid)).kind).toBe('ours')
    await child.stop(1000)
  })

  test('a busy port is reported busy, with the errno, and nothing is held', async () => {
    const port = await freeRange(1)
    const holds = createHolds()
    await holds.probe(port, ['::'])
    const other = createHolds()
    expect(await other.probe(port, ['::', '0.0.0.0'])).toMatchObject({ port, free: false, reason: 'in-use', code: 'EADDRINUSE' })
    expect(other.keep(port)).toBeUndefined()
    holds.releaseAll()
    expect(await canBind(port, '::')).toBe(true)
  })
})
