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
