/**
 * The containers plugin against a fake daemon on a unix socket (always on), through the binary
 * and both clients (Bun's fetch, Node's http); and a real Podman when one is installed.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { listContainers } from '../../plugins/containers/index.ts'
import { berth, binary, runCommand } from '../helpers/binary.ts'
import { fakeDaemon } from '../helpers/fake-daemon.ts'
import { closeAll, freeRange, hold } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'
import { asNobody, isRoot } from '../helpers/users.ts'

const tempDir = tempDirs()
const stops: Array<() => void> = []
const held: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const stop of stops.splice(0)) stop()
  await closeAll(held)
})

function daemon(containers: Parameters<typeof fakeDaemon>[1], options?: { podman?: boolean }) {
  const socket = join(tempDir('berth-daemon'), options?.podman ? 'podman.sock' : 'docker.sock')
  const fake = fakeDaemon(socket, containers, options)
  stops.push(fake.stop)
  return { socket, ...fake }
}

describe('containers plugin (fake daemon)', () => {
  for (const client of ['bun', 'node'] as const) {
    for (const podman of [false, true]) {
      test(`${client} client, ${podman ? "Podman's compat API" : 'Docker 29'}: published host ports with name and compose labels, unversioned path`, async () => {
        const d = daemon([{ name: 'shop-web-1', publicPort: 8080, project: 'shop', service: 'web' }], { podman })
        const found = await listContainers({ env: { DOCKER_HOST: `unix://${d.socket}` }, client })
        expect(found.hints).toEqual([])
        expect(found.containers).toEqual([
          expect.objectContaining({ name: 'shop-web-1', project: 'shop', service: 'web', runtime: podman ? 'podman' : 'docker' }),
        ])
        expect(found.containers[0]!.ports.map((p) => p.hostPort)).toEqual([8080, 8080])
        expect(d.requests).toEqual(['/containers/json'])
      })
    }
  }

  test('a missing socket is silently no containers', async () => {
    const found = await listContainers({ env: { DOCKER_HOST: `unix://${join(tempDir('berth-none'), 'docker.sock')}` }, sockets: undefined })
    expect(found).toEqual({ containers: [], hints: [] })
  })

  test('get skips a port published by a container, naming it; who attributes the port; kill refuses and says how to stop it', async () => {
    const base = await freeRange(3)
    const d = daemon([{ name: 'shop-web-1', publicPort: base, project: 'shop', service: 'web' }])
    const env = { DOCKER_HOST: `unix://${d.socket}` }
    const got = await berth(['get', 'web', '--base', String(base), '--max', String(base + 2), '--verbose', '--no-persist'], env)
    expect(got.stdout).toBe(`${base + 1}\n`)
    expect(got.stderr).toContain(`skipped ${base}: published by container shop-web-1 (compose shop/web)`)
    // The same port without the daemon is free: the container was the reason.
    expect((await berth(['get', 'web', '--base', String(base), '--no-persist'])).stdout).toBe(`${base}\n`)
    const who = await berth(['who', String(base), '--json'], env)
    expect(who.code).toBe(0)
    expect(JSON.parse(who.stdout)[0]).toMatchObject({
      held: true,
      container: { name: 'shop-web-1', project: 'shop', service: 'web', runtime: 'docker' },
    })
    // A listener standing in for docker-proxy: kill names the container and leaves it alone.
    held.push(await hold('127.0.0.1', base))
    const kill = await berth(['kill', String(base), '--yes'], env)
    expect(kill.code).toBe(1)
    expect(kill.stdout).toContain(
      `Port ${base} is published by container shop-web-1 (compose shop/web: or "docker compose -p shop stop web"): stop it with "docker stop shop-web-1"; berth does not stop a container's proxy`,
    )
    expect((await berth(['who', String(base)])).code).toBe(0)
  })

  test.skipIf(!isRoot)('a socket this user may not read gives one hint, and allocation goes on', async () => {
    const base = await freeRange(2)
    const d = daemon([{ name: 'web', publicPort: base }])
    // nobody reaches the socket (its folder is open) but may not connect to it (0600, root's).
    chmodSync(join(d.socket, '..'), 0o755)
    chmodSync(d.socket, 0o600)
    const ran = await runCommand(asNobody([binary(), 'get', 'web', '--base', String(base), '--no-persist']), {
      DOCKER_HOST: `unix://${d.socket}`,
      BERTH_STATE_DIR: '/tmp/berth-nobody-containers',
    })
    expect(ran.code).toBe(0)
    expect(ran.stderr.match(/permission denied/g)?.length).toBe(1)
    expect(ran.stderr).toContain(`Containers: cannot read ${d.socket} (permission denied)`)
  })
})

// The real Podman test is test/plugins/podman.test.ts (where podman and runc are installed).
