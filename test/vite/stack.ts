/**
 * Starts examples/fullstack as its README says, for the browser test: one `berth run` (the
 * compiled binary) in the example's folder, with node_modules/.bin on the PATH as `npx berth run`
 * has it. Resolves once both services are ready, with the ports berth's ready lines name.
 */
import { join } from 'node:path'
import { BINARY, ROOT } from '../helpers/binary.ts'

export interface Stack {
  web: number
  api: number
  stop(): Promise<void>
}

type Proc = Bun.Subprocess<'ignore', 'pipe', 'pipe'>

/** Passes every line of one stream to `line`. */
async function eachLine(stream: ReadableStream<Uint8Array>, line: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true })
    const lines = text.split('\n')
    text = lines.pop() ?? ''
    for (const l of lines) if (l.trim()) line(l.trimEnd())
  }
  if (text.trim()) line(text.trimEnd())
}

export async function startStack(example: string, stateDir: string, say: (line: string) => void): Promise<Stack> {
  const env = {
    ...process.env,
    BERTH_STATE_DIR: stateDir,
    NO_COLOR: '1',
    NODE_ENV: 'development',
    PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
  }
  say(`$ berth run   (in ${example})`)
  const proc: Proc = Bun.spawn([BINARY, 'run'], { cwd: example, env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const stop = async () => {
    proc.kill('SIGINT')
    await proc.exited
  }
  const ready = new Map<string, number>()
  const both = new Promise<void>((resolve, reject) => {
    const line = (text: string) => {
      say(text)
      const match = text.match(/✅ \[(web-server|api-server)\] Ready on port (\d+)/)
      if (match) ready.set(match[1]!, Number(match[2]))
      if (ready.size === 2) resolve()
    }
    const streams = Promise.all([eachLine(proc.stdout, line), eachLine(proc.stderr, line)])
    streams.then(() => reject(new Error(`berth run ended (code ${proc.exitCode}) before both services were ready`)), reject)
  })
  try {
    await both
  } catch (error) {
    await stop()
    throw error
  }
  return { web: ready.get('web-server')!, api: ready.get('api-server')!, stop }
}
