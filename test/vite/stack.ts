/**
 * Starts examples/fullstack as its README says, for the browser test: the API server on its
 * lease, then Vite (under Bun: Node 20 has no node:sqlite for the plugin's own allocation).
 */
import { join } from 'node:path'
import { BINARY, ROOT } from '../helpers/binary.ts'

export interface Stack {
  web: number
  api: number
  stop(): Promise<void>
}

/** Resolves with the first match of `pattern` in the process's stdout (lines are also passed to `say`). */
async function waitFor(
  proc: Bun.Subprocess<'ignore', 'pipe', 'inherit'>,
  pattern: RegExp,
  say: (line: string) => void,
  name: string,
): Promise<RegExpMatchArray> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of proc.stdout) {
    text += decoder.decode(chunk)
    let newline = text.indexOf('\n')
    while (newline >= 0) {
      const line = text.slice(0, newline)
      text = text.slice(newline + 1)
      if (line.trim()) say(`${name}: ${line.trim()}`)
      const match = line.match(pattern)
      if (match) return match
      newline = text.indexOf('\n')
    }
  }
  throw new Error(`${name} exited before printing ${pattern}`)
}

export async function startStack(example: string, stateDir: string, say: (line: string) => void): Promise<Stack> {
  const env = { ...process.env, BERTH_STATE_DIR: stateDir, NO_COLOR: '1', NODE_ENV: 'development' }
  const started: Array<Bun.Subprocess<'ignore', 'pipe', 'inherit'>> = []
  const stop = async () => {
    for (const proc of started.reverse()) {
      proc.kill('SIGTERM')
      await proc.exited
    }
  }
  try {
    const got = Bun.spawnSync([BINARY, 'get', 'api-server', '--base', '3000', '--max', '3100'], { cwd: example, env, stderr: 'pipe' })
    say(`berth get api-server: ${got.stderr.toString().trim()}`)
    const api = Number(got.stdout.toString().trim())
    const apiProc = Bun.spawn(['node', 'api/server.mjs'], {
      cwd: example,
      env: { ...env, API_PORT: String(api) },
      stdout: 'pipe',
      stderr: 'inherit',
      stdin: 'ignore',
    })
    started.push(apiProc)
    await waitFor(apiProc, /listening on (\d+)/, say, 'api-server')
    const vite = Bun.spawn([process.execPath, join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')], {
      cwd: example,
      env,
      stdout: 'pipe',
      stderr: 'inherit',
      stdin: 'ignore',
    })
    started.push(vite)
    const [, web] = await waitFor(vite, /Local:\s+http:\/\/localhost:(\d+)/, say, 'web-server')
    return { web: Number(web), api, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
