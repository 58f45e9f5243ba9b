/**
 * A fake Docker daemon on a unix socket that answers like Docker 29 for every path berth uses:
 * `/_ping`, `/version`, `/containers/json` unversioned, and versioned paths only from API 1.44 on
 * (older ones get Docker 29's 400 "client version … is too old"). `podman: true` answers like
 * Podman's compat API instead, which takes any version.
 */
export interface FakeContainer {
  name: string
  publicPort: number
  project?: string
  service?: string
}

export function fakeDaemon(socket: string, containers: FakeContainer[], options: { podman?: boolean } = {}) {
  const requests: string[] = []
  const body = containers.map((c, i) => ({
    Id: `${String(i + 1).padStart(2, '0')}${'ab'.repeat(31)}`,
    Names: [`/${c.name}`],
    Image: 'busybox',
    State: 'running',
    Labels: c.project ? { 'com.docker.compose.project': c.project, 'com.docker.compose.service': c.service ?? c.name } : {},
    Ports: [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: c.publicPort, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: c.publicPort, Type: 'tcp' },
      { PrivatePort: 443, Type: 'tcp' },
    ],
  }))
  const server = Bun.serve({
    unix: socket,
    fetch(request) {
      const path = new URL(request.url).pathname
      requests.push(path)
      const versioned = /^\/v(\d+)\.(\d+)(\/.*)$/.exec(path)
      if (versioned && !options.podman && Number(versioned[1]) * 100 + Number(versioned[2]) < 144) {
        return Response.json(
          {
            message: `client version ${versioned[1]}.${versioned[2]} is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version`,
          },
          { status: 400 },
        )
      }
      const route = versioned ? versioned[3] : path
      if (route === '/_ping') return new Response('OK', { headers: { 'Api-Version': options.podman ? '1.41' : '1.52' } })
      if (route === '/version')
        return Response.json(
          options.podman
            ? { ApiVersion: '1.41', MinAPIVersion: '1.24', Version: '4.3.1' }
            : { ApiVersion: '1.52', MinAPIVersion: '1.44', Version: '29.0.0' },
        )
      if (route === '/containers/json') return Response.json(body)
      return Response.json({ message: `page not found` }, { status: 404 })
    },
  })
  return { requests, stop: () => server.stop(true) }
}
