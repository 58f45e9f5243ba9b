import { readProc } from '../../probe/proc.ts'

/**
 * Where a Docker or Podman daemon may answer, in the order they are tried: `DOCKER_HOST` (unix://
 * only: berth never talks to a remote daemon), Docker's system socket, rootless Docker, rootless
 * Podman, rootful Podman.
 */
export interface DaemonSocket {
  path: string
  runtime: 'docker' | 'podman'
}

const runtimeOf = (path: string): DaemonSocket['runtime'] => (path.includes('podman') ? 'podman' : 'docker')

export function daemonSockets(env: Readonly<Record<string, string | undefined>>): DaemonSocket[] {
  const paths: string[] = []
  const host = env.DOCKER_HOST
  if (host?.startsWith('unix://')) paths.push(host.slice('unix://'.length))
  paths.push('/var/run/docker.sock')
  const runtimeDir = env.XDG_RUNTIME_DIR
  if (runtimeDir) paths.push(`${runtimeDir}/docker.sock`, `${runtimeDir}/podman/podman.sock`)
  paths.push('/run/podman/podman.sock')
  return [...new Set(paths.filter((p) => p.startsWith('/')))].map((path) => ({ path, runtime: runtimeOf(path) }))
}

/** Whether something is at `path` (off Linux, and for a path /proc/net/unix cannot show). */
export function pathExists(path: string): Promise<boolean> {
  return import('node:fs/promises').then(
    (fs) =>
      fs.stat(path).then(
        () => true,
        () => false,
      ),
    () => false,
  )
}

/**
 * Whether any daemon socket exists here: most machines have none, and then nothing more is loaded
 * or asked. On Linux a listening daemon's socket is in /proc/net/unix, read without node:fs (loading
 * it is a visible part of a cold `berth get` in the compiled binary: README, Benchmark, scenario 4).
 */
export async function anyDaemonSocket(env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  const sockets = daemonSockets(env)
  const listening = await readProc('/proc/net/unix')
  if (listening !== '') return sockets.some((s) => listening.includes(` ${s.path}\n`))
  return (await Promise.all(sockets.map((s) => pathExists(s.path)))).some(Boolean)
}
