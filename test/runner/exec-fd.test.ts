/** berth exec holds the port from the check to the spawn, and with --fd hands the listening socket itself to the child. */
import { describe, expect, test } from 'bun:test'
import { exec } from '../../runner/exec.ts'
import { canBind, freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { QUICK, collector, fixture, isolated, stopWhenReady } from './helpers.ts'

const temp = tempDirs()

describe('berth exec: holding the port, and --fd', () => {
  test('from the check on, the port is bound by berth: nobody can take it while the lease is made, and the child gets it', async () => {
    const base = await freeRange(1)
    let freeBeforeSpawn: boolean | undefined
    const out = collector()
    // A plugin observer runs after the claim, while the hold is in place.
    const watcher = {
      name: 'watch',
      async allocated() {
        freeBeforeSpawn = await canBind(base!, '127.0.0.1')
      },
    }
    const result = await exec('web', ['node', fixture('node-server.mjs')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: base!,
      plugins: [watcher],
      ...stopWhenReady(out),
    })
    expect(freeBeforeSpawn).toBe(false)
    expect(result.ready).toBe(true)
  })

  test.each([['node'], [process.execPath]])(
    '--fd: a client that connects before the child (%s, node:net) listens is served, on a zero-length window',
    async (runtime) => {
      const base = await freeRange(1)
      let answer = ''
      const ac = new AbortController()
      const out = collector((line) => {
        // The child announces itself, then waits before it listens on fd 3: the request waits in the backlog.
        if (!line.startsWith('started')) return
        void fetch(`http://127.0.0.1:${base}/`).then(async (r) => {
          answer = await r.text()
          ac.abort('SIGTERM')
        })
      })
      const result = await exec('web', [runtime, fixture('fd-server.mjs')], {
        ...isolated(temp('proj')),
        ...QUICK,
        basePort: base!,
        passFd: true,
        env: { ...process.env, DELAY_MS: '300' },
        output: out.output,
        onLog: out.onLog,
        signal: ac.signal,
      })
      expect(out.stderr).toBe('')
      expect(answer).toBe('fd3 web')
      expect(result.port).toBe(base!)
      expect(out.lines[0]!.message).toContain('fd 3')
    },
  )
})

describe('berth exec --fd with a readiness probe', () => {
  test('the http_get probe, not the listening socket, says when the service is ready', async () => {
    const out = collector()
    const result = await exec('web', ['node', fixture('fd-server.mjs')], {
      ...isolated(temp('proj')),
      ...QUICK,
      basePort: await freeRange(1),
      passFd: true,
      env: { ...process.env, DELAY_MS: '200' },
      readinessProbe: { http_get: { path: '/' }, period_seconds: 0.02, timeout_seconds: 2 },
      ...stopWhenReady(out),
    })
    expect(result.ready).toBe(true)
    expect(out.lines[0]!.message).toMatch(/fd 3 .*and its readiness probe passed$/)
  })
})
