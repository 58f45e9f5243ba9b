/**
 * The containers plugin against a real Podman, where one is installed: an image imported from a
 * busybox-static rootfs (nothing is pulled), a container publishing a port the kernel picked, and
 * Podman's API served on a socket of this test. Skipped, with the reason, where Podman cannot run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { berth } from '../helpers/binary.ts'
import { freeRange } from '../helpers/sockets.ts'
import { tempDirs } from '../helpers/temp.ts'

const tempDir = tempDirs()
const NAME = `berth-test-${process.pid}`
const IMAGE = 'localhost/berth-busybox:test'
/**
 * runc, not crun: crun refuses this machine's hybrid cgroup layout. The limits are given because
 * the container may not raise them above the session's own (no CAP_SYS_RESOURCE here).
 */
const RUNTIME = ['--runtime', 'runc']
const LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024']

const run = (cmd: string[]) => {
  const ran = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' })
  return { ok: ran.exitCode === 0, out: ran.stdout.toString().trim(), err: ran.stderr.toString().trim() }
}

/** Why Podman cannot be tested here, or null when it can. */
function unavailable(): string | null {
  if (!Bun.which('podman')) return 'podman is not installed (.ci/run installs podman, runc and busybox-static)'
  if (!Bun.which('runc')) return 'runc is not installed'
  if (!existsSync('/bin/busybox')) return '/bin/busybox (busybox-static) is missing'
  return null
}

let why = unavailable()
let socket = ''
let port = 0
let service: ReturnType<typeof Bun.spawn> | undefined

beforeAll(async () => {
  if (why) return
  const root = tempDir('berth-rootfs')
  mkdirSync(join(root, 'bin'))
  mkdirSync(join(root, 'www'))
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'))
  chmodSync(join(root, 'bin', 'busybox'), 0o755)
  for (const applet of ['sh', 'httpd']) symlinkSync('busybox', join(root, 'bin', applet))
  writeFileSync(join(root, 'www', 'index.html'), 'berth\n')
  const tar = join(tempDir('berth-image'), 'rootfs.tar')
  const steps = [
    ['tar', '-C', root, '-cf', tar, '.'],
    ['podman', 'import', tar, IMAGE],
  ]
  for (const step of steps) {
    const ran = run(step)
    if (!ran.ok) return void (why = `${step.slice(0, 2).join(' ')} failed: ${ran.err}`)
  }
  port = await freeRange(2)
  const started = run([
    'podman',
    ...RUNTIME,
    'run',
    '-d',
    '--name',
    NAME,
    ...LIMITS,
    '--label',
    'com.docker.compose.project=shop',
    '--label',
    'com.docker.compose.service=web',
    '-p',
    `127.0.0.1:${port}:80`,
    IMAGE,
    '/bin/httpd',
    '-f',
    '-p',
    '80',
    '-h',
    '/www',
  ])
  if (!started.ok) return void (why = `podman run failed: ${started.err}`)
  socket = join(tempDir('berth-podman'), 'podman.sock')
  service = Bun.spawn(['podman', ...RUNTIME, 'system', 'service', '--time=0', `unix://${socket}`], { stdout: 'ignore', stderr: 'ignore' })
  for (let i = 0; i < 200 && !existsSync(socket); i++) await Bun.sleep(25)
  if (!existsSync(socket)) why = 'podman system service did not create its socket'
}, 60_000)

afterAll(async () => {
  service?.kill()
  await service?.exited
  // -t 0: httpd runs as the container's pid 1 and ignores SIGTERM; there is nothing to wait for.
  const removed = unavailable() ? null : run(['podman', ...RUNTIME, 'rm', '-f', '-t', '0', NAME])
  if (removed && !removed.ok) console.warn(`podman rm ${NAME} failed: ${removed.err}`)
}, 30_000)

if (why) console.warn(`real Podman test skipped: ${why}`)

describe('containers plugin (real Podman)', () => {
  test.skipIf(why !== null)(
    'a port published with podman run -p is skipped by get, named by who, and left alone by kill',
    async () => {
      // Installed, but it could not run a container here (the reason is printed): nothing to check against.
      if (why) {
        console.warn(`real Podman test skipped: ${why}`)
        return
      }
      const env = { DOCKER_HOST: `unix://${socket}` }
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('berth\n')
      const got = await berth(['get', 'web', '--base', String(port), '--max', String(port + 1), '--verbose', '--no-persist'], env)
      expect(got.stdout).toBe(`${port + 1}\n`)
      expect(got.stderr).toContain(`skipped ${port}: published by container ${NAME} (compose shop/web)`)
      const [report] = JSON.parse((await berth(['who', String(port), '--json'], env)).stdout)
      expect(report).toMatchObject({ held: true, container: { name: NAME, runtime: 'podman', project: 'shop', service: 'web' } })
      const kill = await berth(['kill', String(port), '--yes'], env)
      expect(kill.code).toBe(1)
      expect(kill.stdout).toContain(`stop it with "podman stop ${NAME}"`)
      expect(run(['podman', 'inspect', '-f', '{{.State.Running}}', NAME]).out).toBe('true')
    },
    60_000,
  )
})
