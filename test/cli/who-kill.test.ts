/** `berth who` and `berth kill` through the compiled binary, against real listeners and clients, as root and as nobody. */
import { afterEach, describe, expect, test } from 'bun:test'
import { berth, binary, freshStateDir, runCommand } from '../helpers/binary.ts'
import { firstLine, startClient, startServer, type Server } from '../helpers/servers.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { asNobody, isRoot } from '../helpers/users.ts'

const procs: Array<{ kill(signal?: number): void }> = []
const held: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill(9)
  await closeAll(held)
})

const server = async (host?: string, wrap?: (cmd: string[]) => string[]): Promise<Server> => {
  const s = await startServer(host, wrap)
  procs.push(s.proc)
  return s
}

/** A port nothing listens on: one the kernel handed out and that was closed again. */
async function freePort(): Promise<number> {
  const h = await hold('127.0.0.1', 0)
  await h.close()
  return h.port
}

describe('berth who', () => {
  test('names the listener of the exact port: pid, command, user; exit 0', async () => {
    const s = await server()
    const ran = await berth(['who', String(s.port), '--json'])
    expect(ran.code).toBe(0)
    const [report] = JSON.parse(ran.stdout)
    expect(report).toMatchObject({ port: s.port, held: true, container: null })
    expect(report.sockets[0]).toMatchObject({
      protocol: 'tcp',
      family: 'ipv4',
      address: '127.0.0.1',
      state: 'LISTEN',
      uid: 0,
      user: 'root',
    })
    expect(report.sockets[0].processes.map((p: { pid: number }) => p.pid)).toEqual([s.pid])
    expect(report.sockets[0].processes[0].command).toContain('node:net')
    const text = await berth(['who', String(s.port)])
    expect(text.stdout).toContain(`tcp    127.0.0.1:${s.port}  LISTEN  root (0)  ${s.pid}`)
  })

  test('a free port exits 1 and says so; a client connection alone does not make it held; garbage exits 2', async () => {
    const port = await freePort()
    const ran = await berth(['who', String(port)])
    expect(ran).toMatchObject({ code: 1, stdout: `${port} free: nothing listens on it\n` })
    const bad = await berth(['who', '80x'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('port must be a whole number from 1 to 65535, got "80x"')
  })

  test('--all shows the established connections beside the listener, listener first', async () => {
    const s = await server()
    procs.push(await startClient(s.port))
    const [report] = JSON.parse((await berth(['who', String(s.port), '--all', '--json'])).stdout)
    const states = report.sockets.map((x: { state: string }) => x.state)
    expect(states[0]).toBe('LISTEN')
    expect(states).toContain('ESTABLISHED')
  })

  test.skipIf(!isRoot)("as nobody, root's listener is held by uid 0 (root), never free", async () => {
    const s = await server()
    const ran = await runCommand(asNobody([binary(), 'who', String(s.port)]), { BERTH_STATE_DIR: '/tmp/berth-nobody-who-state' })
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('held by uid 0 (root); run as root or as that user to see the process')
    expect(ran.stdout).not.toContain(String(s.pid))
  })

  test("--udp shows a bound UDP socket; the lease on the port is berth's view", async () => {
    const socket = await Bun.udpSocket({ hostname: '127.0.0.1', port: 0 })
    try {
      const without = await berth(['who', String(socket.port)])
      expect(without.code).toBe(1)
      const [report] = JSON.parse((await berth(['who', String(socket.port), '--udp', '--json'])).stdout)
      expect(report.held).toBe(true)
      expect(report.sockets[0]).toMatchObject({ protocol: 'udp', state: 'UNCONN', address: '127.0.0.1' })
      expect(report.sockets[0].processes[0].pid).toBe(process.pid)
    } finally {
      socket.close()
    }
    // A port leased to web (kept by --ttl), then listened on, as the service would.
    const env = { BERTH_STATE_DIR: freshStateDir() }
    const port = Number((await berth(['get', 'web', '--base', String(await freeRange(2)), '--ttl', '1h'], env)).stdout)
    held.push(await hold('127.0.0.1', port))
    const [leased] = JSON.parse((await berth(['who', String(port), '--json'], env)).stdout)
    expect(leased.lease).toMatchObject({ service: 'web', state: 'active' })
    expect((await berth(['who', String(port)], env)).stdout).toContain('  berth lease: web in ')
  })

  test('check --json gives a busy port its holder: pid and command', async () => {
    const s = await server()
    const [result] = JSON.parse((await berth(['check', String(s.port), '--json'])).stdout)
    expect(result).toMatchObject({ port: s.port, free: false, holder: { pid: s.pid, uid: 0, user: 'root', container: null } })
  })
})

describe('berth kill', () => {
  test.skipIf(!isRoot)("as nobody, root's listener is named by its uid and left alone", async () => {
    const s = await server()
    const ran = await runCommand(asNobody([binary(), 'kill', String(s.port), '--yes']), { BERTH_STATE_DIR: '/tmp/berth-nobody-kill-state' })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(`Port ${s.port}: held by uid 0 (root); run as root or as that user to see the process`)
    expect(s.proc.exitCode).toBeNull()
  })

  test('on a terminal it asks first; "n" leaves the listener running', async () => {
    const s = await server()
    // script gives berth a terminal; "n" is typed into it.
    const proc = Bun.spawn(['script', '-qec', `exec ${binary()} kill ${s.port}`, '/dev/null'], {
      stdin: new TextEncoder().encode('n\n'),
      stdout: 'pipe',
      stderr: 'pipe',
      env: { ...process.env, NO_COLOR: '1', BERTH_STATE_DIR: freshStateDir() },
    })
    const ran = { stdout: await new Response(proc.stdout).text(), code: await proc.exited }
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(`listening on port ${s.port}? [y/N]`)
    expect(ran.stdout).toContain(`Left port ${s.port} alone`)
    expect(s.proc.exitCode).toBeNull()
  })

  test('stops the listener (SIGTERM to its group), leaves a connected client alone, and says the port is free', async () => {
    const s = await server()
    const client = await startClient(s.port)
    procs.push(client)
    const ran = await berth(['kill', String(s.port), '--yes'])
    expect(ran.stdout).toBe(`Sent SIGTERM to process group ${s.pid}\nPort ${s.port} is free now\n`)
    expect(ran.code).toBe(0)
    expect(await s.proc.exited).toBe(143)
    // The client is still running: kill never signals a client of the port.
    expect(client.exitCode).toBeNull()
    expect(client.killed).toBe(false)
  })

  test('SIGKILL after the timeout when SIGTERM is ignored', async () => {
    const code = `process.on('SIGTERM', () => {}); const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => console.log(s.address().port))`
    const proc = Bun.spawn([process.execPath, '-e', code], { stdout: 'pipe', stdin: 'ignore', detached: true })
    procs.push(proc)
    const port = Number(await firstLine(proc.stdout))
    const ran = await berth(['kill', String(port), '--yes', '--timeout', '1s'])
    expect(ran.stdout).toBe(
      `Sent SIGTERM to process group ${proc.pid}\nSent SIGKILL to process group ${proc.pid}\nPort ${port} is free now\n`,
    )
    expect(await proc.exited).toBe(137)
  })

  test('--dry-run signals nothing; nothing listening exits 1; a bad signal exits 2', async () => {
    const s = await server()
    const dry = await berth(['kill', String(s.port), '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain(`Would send SIGTERM to process group ${s.pid} (pid ${s.pid} (`)
    expect(s.proc.exitCode).toBeNull()
    const none = await berth(['kill', String(await freePort())])
    expect(none.code).toBe(1)
    expect(none.stdout).toContain(': nothing to stop')
    const bad = await berth(['kill', String(s.port), '--signal', 'BOGUS'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--signal "BOGUS" is not one of SIGTERM')
  })

  test.skipIf(!isRoot)("refuses another user's process without --force, stops it with --force", async () => {
    const s = await server('127.0.0.1', asNobody)
    const refused = await berth(['kill', String(s.port), '--yes'])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('it belongs to uid 65534, not to you: add --force to stop it anyway')
    expect(s.proc.exitCode).toBeNull()
    const forced = await berth(['kill', String(s.port), '--yes', '--force'])
    expect(forced.stdout).toContain(`Port ${s.port} is free now`)
    expect(forced.code).toBe(0)
  })

  test('refuses its own ancestors: a listener that is the shell running berth', async () => {
    // The listener runs berth itself and waits for it: berth's parent holds the port.
    const code = `const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); require('node:child_process').spawnSync(process.argv[1], ['kill', String(s.address().port), '--yes'], { stdio: ['ignore', 'inherit', 'inherit'] }); process.exit(0) })`
    const ran = await runCommand([process.execPath, '-e', code, binary()])
    expect(ran.stdout).toContain('it is an ancestor of berth (the shell or script that ran it)')
    expect(ran.code).toBe(0)
  })
})
