/**
 * Who a lease belongs to: a pid plus that process's start time, so a recycled pid is not
 * mistaken for the owner, plus the pid namespace the pid was read in, so a lease made inside a
 * container is not judged by a pid that means another process (or none) outside it. On Linux
 * the start time is read from /proc (with the boot id, since start times restart at every
 * boot); elsewhere only the pid is checked.
 * Callers load the built-ins first (`createRegistry` does).
 */
import { node } from './builtins.ts'
import { findInNamespace } from './pid-namespace.ts'

export interface Owner {
  pid: number
  /** `<boot id>/<start ticks>`, or null where /proc is not readable. */
  start: string | null
  /** The inode of the pid namespace `pid` belongs to (`/proc/self/ns/pid`); null or absent where unknown. */
  ns?: string | null
}

/** `gone` is sure; `unknown` means berth cannot see that namespace's processes from here. */
export type Liveness = 'alive' | 'gone' | 'unknown'

let bootId: string | null | undefined
let ownNs: string | null | undefined

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

/** The namespace whose pids this process sees in /proc: `pid:[4026531836]` gives `4026531836`. */
export function ownNamespace(): string | null {
  if (ownNs === undefined) {
    try {
      ownNs = /\[(\d+)\]/.exec(node.fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? null
    } catch {
      ownNs = null
    }
  }
  return ownNs
}

/**
 * Fields 3 (state) and 22 (start ticks) of /proc/PID/stat. The command name (field 2) may hold
 * spaces and parentheses, so split after its last ')'.
 */
function readStat(pid: number): { state: string; start: string } | null {
  const boot = readBootId()
  if (boot === null) return null
  try {
    const stat = node.fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = fields[19]
    return ticks ? { state: fields[0]!, start: `${boot}/${ticks}` } : null
  } catch {
    return null
  }
}

export const processStart = (pid: number): string | null => readStat(pid)?.start ?? null

export function ownerOf(pid: number): Owner {
  return { pid, start: processStart(pid), ns: ownNamespace() }
}

/** True while the process runs here. EPERM means it runs as someone else. */
export function isAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (start === null) return true
  const now = readStat(pid)
  // Unreadable now but recorded before: the pid was recycled into something we cannot see.
  // A zombie has exited; only its parent has not collected it yet.
  return now !== null && now.start === start && now.state !== 'Z' && now.state !== 'X'
}

/**
 * The pids running now, from one read of /proc, or null where /proc does not show every process
 * (no /proc, or mounted with hidepid for a user who is not root: pid 1 is then hidden too).
 * For reading many leases at once: a pid missing here is gone without a kill(2) each.
 */
export function runningPids(): Set<number> | null {
  try {
    const pids = new Set<number>()
    for (const entry of node.fs.readdirSync('/proc')) if (entry.charCodeAt(0) <= 57) pids.add(Number(entry))
    return pids.has(1) || globalThis.process?.geteuid?.() === 0 ? pids : null
  } catch {
    return null
  }
}

/**
 * Whether the owner still runs. An owner recorded in another pid namespace is looked up through
 * /proc by its namespace; where that namespace cannot be seen from here, the answer is `unknown`.
 * `recordedAt`: when the owner was recorded (milliseconds since the epoch).
 */
export function liveness(owner: Owner, recordedAt?: number): Liveness {
  const here = ownNamespace()
  if (owner.ns == null || here === null || owner.ns === here) return isAlive(owner.pid, owner.start) ? 'alive' : 'gone'
  const found = findInNamespace(owner.ns, owner.pid, here, recordedAt)
  if (typeof found === 'number') return isAlive(found, owner.start) ? 'alive' : 'gone'
  return found
}
