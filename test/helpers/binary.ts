import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { freshStateDir } from './temp.ts'

export const ROOT = join(import.meta.dir, '..', '..')
export const BINARY = join(ROOT, 'dist', 'berth')

/** The compiled binary is built by `npm test` before the tests run; a missing one is a failure, not a skip. */
export function binary(): string {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run "npm run build" (npm test does it first)`)
  return BINARY
}

export interface Ran {
  code: number
  stdout: string
  stderr: string
}

export { freshStateDir }

/** Runs a command for real and collects its output, with its own lease registry unless `env` names one. */
export async function runCommand(cmd: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<Ran> {
  const fullEnv = { ...process.env, NO_COLOR: '1', BERTH_STATE_DIR: freshStateDir(), ...env }
  const proc = Bun.spawn(cmd, { cwd, env: fullEnv, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

export const berth = (args: string[], env: Record<string, string | undefined> = {}) => runCommand([binary(), ...args], env)
