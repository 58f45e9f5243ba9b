/**
 * Who a lease belongs to: a pid plus that process's start time, so a recycled pid is not
 * mistaken for the owner. On Linux the start time is read from /proc (with the boot id, since
 * start times restart at every boot); elsewhere only the pid is checked.
 * Callers load the built-ins first (`createRegistry` does).
 */
import { node } from './builtins.ts'

export interface Owner {
  pid: number
  /** `<boot id>/<start ticks>`, or null where /proc is not readable. */
  start: string | null
}

let bootId: string | null | undefined

function readBootId(): string | null {
  if (bootId === undefined) {
    try {
      bootId = node.fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    } catch {
      bootId = null
    }
  }
  return bootId
}

/** Field 22 of /proc/PID/stat. The command name (field 2) may hold spaces and parentheses, so split after its last ')'. */
export function processStart(pid: number): string | null {
  const boot = readBootId()
  if (boot === null) return null
  try {
    const stat = node.fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = fields[19]
    return ticks ? `${boot}/${ticks}` : null
  } catch {
    return null
  }
}

export function ownerOf(pid: number): Owner {
  return { pid, start: processStart(pid) }
}

/** True while the process that took the lease is still running. EPERM means it runs as someone else. */
export function isAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (start === null) return true
  const now = processStart(pid)
  // Unreadable now but recorded before: the pid was recycled into something we cannot see.
  return now === start
}
