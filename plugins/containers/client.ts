/**
 * One GET over a unix socket, answered as JSON: Bun's `fetch` with its `unix` option, else
 * Node's `http.request` with `socketPath` (Node's global fetch has no unix sockets). The path is
 * unversioned, so the daemon answers at its own API version: Docker 29 refuses clients that ask
 * for a version below 1.44, and Podman's compat API takes any.
 */
export const DAEMON_TIMEOUT_MS = 1000

/** An error with the errno-like code that says why the daemon did not answer (ENOENT, EACCES, ETIMEDOUT…). */
export class DaemonError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

const bunFetch = (globalThis as { Bun?: unknown }).Bun ? (globalThis.fetch as (url: string, init: object) => Promise<Response>) : undefined

function codeOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | null
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'ETIMEDOUT'
  const code = e?.code ?? e?.cause?.code
  return typeof code === 'string' ? code : 'EIO'
}

async function viaBun(socket: string, path: string, timeout: number): Promise<unknown> {
  const response = await bunFetch!(`http://daemon${path}`, { unix: socket, signal: AbortSignal.timeout(timeout) })
  if (!response.ok) throw new DaemonError(`HTTP_${response.status}`, `${socket} answered ${path} with HTTP ${response.status}`)
  return response.json()
}

async function viaNode(socket: string, path: string, timeout: number): Promise<unknown> {
  const http = await import('node:http')
  return new Promise((resolve, reject) => {
    const request = http.request({ socketPath: socket, path, headers: { Host: 'daemon' } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        if ((response.statusCode ?? 500) >= 300)
          return reject(new DaemonError(`HTTP_${response.statusCode}`, `${socket} answered ${path} with HTTP ${response.statusCode}`))
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        } catch (error) {
          reject(error)
        }
      })
    })
    request.setTimeout(timeout, () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
    request.on('error', reject)
    request.end()
  })
}

/** GET `path` from the daemon on `socket`; failures become a DaemonError with a code. */
export async function daemonGet(
  socket: string,
  path: string,
  options: { timeout?: number; client?: 'bun' | 'node' } = {},
): Promise<unknown> {
  const timeout = options.timeout ?? DAEMON_TIMEOUT_MS
  const useBun = (options.client ?? (bunFetch ? 'bun' : 'node')) === 'bun'
  try {
    return await (useBun ? viaBun(socket, path, timeout) : viaNode(socket, path, timeout))
  } catch (error) {
    if (error instanceof DaemonError) throw error
    throw new DaemonError(codeOf(error), `${socket}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
