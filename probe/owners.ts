/**
 * Which processes hold given sockets: every /proc/PID/fd link `socket:[INODE]`, then the
 * process's name, command line, parent, group, user, working folder and container. Another
 * user's fd folder cannot be read (EACCES) unless we are root: such sockets keep only the uid
 * the socket table gives, and the caller says who to ask, never "free".
 */
import { readProc } from './proc.ts'

export interface ProcessInfo {
  pid: number
  /** The kernel's short name (`comm`). */
  name: string
  /** The command line, arguments joined by spaces (`name` when it cannot be read). */
  command: string
  ppid: number | null
  /** The process group: what `kill` signals. */
  pgid: number | null
  uid: number | null
  /** The working folder; null when not readable (another user's process). */
  cwd: string | null
  /** A Docker or Podman container id (12 hex digits) from the process's cgroup, else null. */
  containerId: string | null
}

type Fs = typeof import('node:fs/promises')

const loadFs = (): Promise<Fs> => import('node:fs/promises')

/** `stat` fields after the name's last ")": state, ppid, pgrp… (the name may hold spaces and parentheses). */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** `docker-<id>.scope`, `/docker/<id>`, `libpod-<id>.scope`, `/libpod-<id>`: the container's id. */
export function containerIdFromCgroup(text: string): string | null {
  const match = /(?:docker|libpod)[-/]([0-9a-f]{64})/.exec(text)
  return match ? match[1]!.slice(0, 12) : null
}

export async function processInfo(pid: number, fs?: Fs): Promise<ProcessInfo | null> {
  const stat = await readProc(`/proc/${pid}/stat`)
  if (stat === '') return null
  const files = fs ?? (await loadFs())
  const [comm, cmdline, status, cgroup, cwd] = await Promise.all([
    readProc(`/proc/${pid}/comm`),
    readProc(`/proc/${pid}/cmdline`),
    readProc(`/proc/${pid}/status`),
    readProc(`/proc/${pid}/cgroup`),
    files.readlink(`/proc/${pid}/cwd`).catch(() => null),
  ])
  const fields = statFields(stat)
  const name = comm.trim() || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1]
  const number = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null)
  return {
    pid,
    name,
    command: cmdline.split('\0').filter(Boolean).join(' ') || name,
    ppid: number(fields[1]),
    pgid: number(fields[2]),
    uid: uid === undefined ? null : Number(uid),
    cwd,
    containerId: containerIdFromCgroup(cgroup),
  }
}

export interface OwnerMap {
  /** inode → the processes that have the socket open (a forked server shares one socket). */
  byInode: Map<string, ProcessInfo[]>
  /** Processes whose fds this user may not read: their sockets stay unattributed. */
  hiddenPids: number
}

/** Looks through every process's fds once for the given socket inodes. */
export async function findOwners(inodes: ReadonlySet<string>): Promise<OwnerMap> {
  const byInode = new Map<string, ProcessInfo[]>()
  let hiddenPids = 0
  if (inodes.size === 0 || globalThis.process?.platform !== 'linux') return { byInode, hiddenPids }
  const fs = await loadFs()
  const pids = (await fs.readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry))
  await Promise.all(
    pids.map(async (entry) => {
      let fds: string[]
      try {
        fds = await fs.readdir(`/proc/${entry}/fd`)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EACCES') hiddenPids++
        return
      }
      const links = await Promise.all(fds.map((fd) => fs.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '')))
      const held = new Set(
        links
          .map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1])
          .filter((inode): inode is string => inode !== undefined && inodes.has(inode)),
      )
      if (held.size === 0) return
      const info = await processInfo(Number(entry), fs)
      if (!info) return
      for (const inode of held)
        byInode.set(
          inode,
          [...(byInode.get(inode) ?? []), info].sort((a, b) => a.pid - b.pid),
        )
    }),
  )
  return { byInode, hiddenPids }
}

/** The chain of parents of `pid`, nearest first, up to and including pid 1. */
export async function ancestorsOf(pid: number): Promise<number[]> {
  const chain: number[] = []
  // Bounded: a pid cycle cannot happen, but a wrong read must not loop.
  for (let current = pid, hops = 0; hops < 4096; hops++) {
    const parent = Number(statFields(await readProc(`/proc/${current}/stat`))[1])
    if (!Number.isSafeInteger(parent) || parent <= 0) break
    chain.push(parent)
    if (parent === 1) break
    current = parent
  }
  return chain
}
