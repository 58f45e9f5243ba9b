/** Real server processes for `who` and `kill`: each listens on a port the kernel picks and says which on stdout. */
import type { Subprocess } from 'bun'

const SERVER = `const s = require('node:net').createServer(() => {}); s.listen(0, process.argv[1] || '127.0.0.1', () => console.log(s.address().port))`

export interface Server {
  proc: Subprocess<'ignore', 'pipe', 'inherit'>
  port: number
  pid: number
}

export async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader()
  let text = ''
  while (!text.includes('\n')) {
    const { value, done } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  return text.trim()
}

/** A listener in a process of its own (its own process group, as a job of an interactive shell is), optionally run through `wrap` (setpriv). */
export async function startServer(host = '127.0.0.1', wrap: (cmd: string[]) => string[] = (cmd) => cmd): Promise<Server> {
  const proc = Bun.spawn(wrap([process.execPath, '-e', SERVER, host]), {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    detached: true,
  })
  const port = Number(await firstLine(proc.stdout))
  if (!Number.isInteger(port) || port <= 0) throw new Error(`the server did not report its port (exit ${await proc.exited})`)
  return { proc, port, pid: proc.pid }
}

/** A client process with an open connection to `port` (ESTABLISHED), in its own process group. */
export async function startClient(port: number): Promise<Subprocess<'ignore', 'pipe', 'inherit'>> {
  const code = `const c = require('node:net').connect(${port}, '127.0.0.1', () => console.log('connected')); c.on('error', () => {}); setInterval(() => {}, 1000)`
  const proc = Bun.spawn([process.execPath, '-e', code], { stdin: 'ignore', stdout: 'pipe', stderr: 'inherit', detached: true })
  await firstLine(proc.stdout)
  return proc
}

export const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
