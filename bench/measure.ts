/** Timing helpers for the benchmark: wall time per call, median of several rounds. */

export async function timeCalls(rounds: number, call: () => Promise<unknown>, between?: () => unknown): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    await between?.()
    const start = performance.now()
    await call()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Spawns each command once per round, in turn, and returns each one's median wall time in ms:
 * in turn, so that a change in the machine's load hits every command alike. `env` is one
 * environment for all, or one per command.
 */
export function timeSpawnsInTurn(
  rounds: number,
  cmds: string[][],
  env: Record<string, string> | Array<Record<string, string>> = {},
): number[] {
  const samples = cmds.map(() => [] as number[])
  const envOf = (k: number) => (Array.isArray(env) ? env[k] : env)
  for (let i = 0; i < rounds; i++) {
    cmds.forEach((cmd, k) => samples[k]!.push(timeSpawn(1, cmd, envOf(k))))
  }
  return samples.map(median)
}

/** Spawns a command `rounds` times and returns the median wall time in ms. */
export function timeSpawn(rounds: number, cmd: string[], env: Record<string, string> = {}): number {
  const samples: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    const ran = Bun.spawnSync(cmd, { stdout: 'ignore', stderr: 'ignore', env: { ...process.env, ...env } })
    samples.push(performance.now() - start)
    if (ran.exitCode !== 0) throw new Error(`${cmd.join(' ')} exited ${ran.exitCode}`)
  }
  return median(samples)
}

export function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  return [`\n### ${title}`, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}
