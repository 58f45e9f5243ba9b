/** The probing engine's figures: workers against the main thread, where the workers start to pay, and the binary's memory. */
import { scanPorts } from '../index.ts'
import { median } from './measure.ts'

async function timeScan(from: number, to: number, runOn: 'main' | 'workers'): Promise<number> {
  const start = performance.now()
  await scanPorts(from, to, { runOn })
  return performance.now() - start
}

/** Median wall time on the main thread and on the workers over `rounds`, alternating so that noise hits both alike. Each workers run starts them cold. */
export async function mainAgainstWorkers(from: number, to: number, rounds: number): Promise<{ main: number; workers: number }> {
  const main: number[] = []
  const workers: number[] = []
  for (let i = 0; i < rounds; i++) {
    main.push(await timeScan(from, to, 'main'))
    workers.push(await timeScan(from, to, 'workers'))
  }
  return { main: median(main), workers: median(workers) }
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
