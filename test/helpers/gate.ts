import { join } from 'node:path'

/**
 * A start line for racing processes: one process holds an exclusive flock on `<dir>/<name>`;
 * racers run `flock -s <lock> true` and all go at once when `open()` kills the holder (the shell
 * execs into sleep, so killing it drops the lock).
 */
export async function flockGate(dir: string, name = 'gate'): Promise<{ lock: string; open(): void }> {
  const lock = join(dir, name)
  const holder = Bun.spawn(['sh', '-c', 'exec 9>"$1"; flock -x 9; exec sleep 120', 'gate', lock], { stdout: 'ignore', stderr: 'inherit' })
  // The holder has the lock once a non-blocking shared attempt fails.
  while (Bun.spawnSync(['flock', '-n', '-s', lock, 'true']).exitCode === 0) await Bun.sleep(10)
  return { lock, open: () => holder.kill() }
}
