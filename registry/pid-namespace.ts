/**
 * Finding a process recorded by its pid inside another pid namespace (a container, or
 * `unshare --pid`). From an ancestor namespace every process of the child is visible in /proc:
 * the `NSpid:` line of /proc/N/status lists its pid in each namespace, the innermost last, and
 * /proc/N/ns/pid names the namespace. From anywhere else the owner cannot be seen at all.
 */
import { node } from './builtins.ts'

/** The initial pid namespace always has this inode (PROC_PID_INIT_INO): from it, every process is visible. */
export const INITIAL_PID_NAMESPACE = '4026531836'

interface Index {
  builtAt: number
  /** `<namespace>/<pid inside it>` → the pid here. */
  pids: Map<string, number>
  /** Some processes' namespaces could not be read (another user's, without root). */
  partial: boolean
}

let index: Index | undefined

function namespaceOf(pid: string): string | null {
  return /\[(\d+)\]/.exec(node.fs.readlinkSync(`/proc/${pid}/ns/pid`))?.[1] ?? null
}

function buildIndex(): Index {
  const built: Index = { builtAt: Date.now(), pids: new Map(), partial: false }
  for (const entry of node.fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue
    try {
      const status = node.fs.readFileSync(`/proc/${entry}/status`, 'utf8')
      const nspids = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/) ?? []
      // One entry: the process lives in this namespace, whose pids need no index.
      if (nspids.length < 2) continue
      const ns = namespaceOf(entry)
      if (ns !== null) built.pids.set(`${ns}/${nspids.at(-1)}`, Number(entry))
    } catch (error) {
      // Gone meanwhile (ENOENT, ESRCH) is fine; a namespace we may not read makes misses inconclusive.
      if ((error as NodeJS.ErrnoException).code === 'EACCES' || (error as NodeJS.ErrnoException).code === 'EPERM') built.partial = true
    }
  }
  return built
}

/**
 * The pid here of process `pid` of namespace `ns`; `gone` when it surely does not run; `unknown`
 * when this process cannot see that namespace. `recordedAt`: when the owner was recorded; an
 * index built before then is rebuilt, since the owner may have started after it.
 */
export function findInNamespace(ns: string, pid: number, here: string, recordedAt = Date.now()): number | 'gone' | 'unknown' {
  if (!index || index.builtAt <= recordedAt) {
    try {
      index = buildIndex()
    } catch {
      return 'unknown'
    }
  }
  const found = index.pids.get(`${ns}/${pid}`)
  if (found !== undefined) return found
  return here === INITIAL_PID_NAMESPACE && !index.partial ? 'gone' : 'unknown'
}
