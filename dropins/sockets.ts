/** get-port-please's unix-socket helpers, as it documents them (abstract sockets on Linux with Node 20+). */
export interface GetSocketOptions {
  name: string
  /** Use process ID in the socket name. */
  pid?: boolean
  /** Use a random number in the socket name. */
  random?: boolean
}

export function getSocketAddress(opts: GetSocketOptions): string {
  const parts = [opts.name, opts.pid ? process.pid : undefined, opts.random ? Math.round(Math.random() * 1e4) : undefined].filter(Boolean)
  const socketName = `${parts.join('-')}.sock`
  if (process.platform === 'win32') return `\\\\.\\pipe\\${socketName}`
  if (process.platform === 'linux' && Number(process.versions.node.split('.')[0]) >= 20) return `\0${socketName}`
  const tmp = process.env.TMPDIR || '/tmp'
  return `${tmp.replace(/\/$/, '')}/${socketName}`
}

let supported: boolean | undefined

export async function isSocketSupported(): Promise<boolean> {
  if (supported !== undefined) return supported
  const { Server } = await import('node:net')
  const address = getSocketAddress({ name: 'get-port', random: true })
  const server = new Server()
  try {
    await new Promise<void>((resolve, reject) => {
      server.on('error', reject)
      server.listen(address, resolve)
    })
    supported = true
  } catch {
    supported = false
  } finally {
    if (server.listening) {
      server.close()
      await cleanSocket(address)
    }
  }
  return supported
}

export async function cleanSocket(path: string): Promise<void> {
  if (!path || path[0] === '\0' || path.startsWith('\\\\.\\pipe')) return
  const { rm } = await import('node:fs/promises')
  await rm(path, { force: true, recursive: true }).catch(console.error)
}
