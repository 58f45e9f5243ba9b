/** A temporary project folder with its own registry, and ways to run the binary in it. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binary, freshStateDir, runCommand } from './binary.ts'

export function makeProject(tempDir: (prefix: string) => string, config?: unknown) {
  const root = tempDir('berth-project')
  if (config !== undefined) writeFileSync(join(root, 'berth.config.json'), JSON.stringify(config, null, 2))
  const env: Record<string, string | undefined> = {
    BERTH_STATE_DIR: freshStateDir(),
    NODE_ENV: '',
    PORT: undefined,
    VITE_HMR_PORT: undefined,
  }
  return {
    root,
    env,
    /** The binary called directly: its leases belong to this test process, alive for the whole test. */
    run: (args: string[], extra: Record<string, string | undefined> = {}, cwd = root) =>
      runCommand([binary(), ...args], { ...env, ...extra }, cwd),
    /** Through a short-lived shell, as a user would run it: the shell owns the leases, dormant once it returns. */
    runFromShell: (args: string[], extra: Record<string, string | undefined> = {}, cwd = root) =>
      runCommand(['sh', '-c', '"$@"', 'sh', binary(), ...args], { ...env, ...extra }, cwd),
    leases: async () => JSON.parse((await runCommand([binary(), 'list', '--json'], env, root)).stdout) as Array<Record<string, unknown>>,
  }
}
