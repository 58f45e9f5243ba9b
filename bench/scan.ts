/** The probing engine's figures: pool against main thread, where the pool starts to pay, and the binary's memory. */
import { scanPorts } from '../core/index.ts'
import { median } from './measure.ts'

async function timeScan(from: number, to: number, lane: 'main' | 'pool'): Promise<number> {
  const start = performance.now()
  await scanPorts(from, to, { lane })
  return performance.now() - start
}

/** Median wall time of each lane over `rounds`, alternating so that noise hits both alike. Each pool run starts its pool cold. */
export async function lanes(from: number, to: number, rounds: number): Promise<{ main: number; pool: number }> {
  const main: number[] = []
  const pool: number[] = []
  for (let i = 0; i < rounds; i++) {
    main.push(await timeScan(from, to, 'main'))
    pool.push(await timeScan(from, to, 'pool'))
  }
  return { main: median(main), pool: median(pool) }
}

/** Peak resident memory (VmHWM) of `berth scan 1024-65535`, read from /proc while it runs. */
export async function scanPeakMemory(berth: string): Promise<{ ms: number; peakMiB: number }> {
  const start = performance.now()
  const proc = Bun.spawn([berth, 'scan', '1024-65535', '--json'], { stdout: 'ignore', stderr: 'ignore' })
  let peakKiB = 0
  while (proc.exitCode === null) {
    try {
      const status = await Bun.file(`/proc/${proc.pid}/status`).text()
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
    } catch {
      // The process ended between the check and the read.
    }
    await Bun.sleep(5)
  }
  await proc.exited
  return { ms: performance.now() - start, peakMiB: peakKiB / 1024 }
}
