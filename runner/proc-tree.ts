/**
 * Who listens on a port, seen through Linux's /proc: /proc/net/tcp{,6} give the LISTEN sockets'
 * inodes, /proc/PID/fd links name the processes holding them, and /proc/PID/stat gives each
 * process's parent and process group. A service's "tree" is its child, every descendant, and
 * every process still in the child's process group (a daemonised grandchild stays in it).
 */
import { findHolder, type Holder } from './deps.ts'

const LISTEN = '0A'

let fsp: Promise<typeof import('node:fs/promises')> | undefined
const fs = () => (fsp ??= import('node:fs/promises'))

export const procAvailable = () => globalThis.process?.platform === 'linux'

/** Every LISTEN socket of this network namespace: inode → port. */
async function listeningSockets(): Promise<Map<string, number>> {
  const { readFile } = await fs()
  const sockets = new Map<string, number>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '')
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const local = fields[1]
      if (!local || fields[3] !== LISTEN) continue
      sockets.set(fields[9]!, Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16))
    }
  }
  return sockets
}

/** The inodes of the sockets listening on `port`, any address. */
export async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>()
  for (const [inode, listening] of await listeningSockets()) if (listening === port) inodes.add(inode)
  return inodes
}

/** The ports the processes of `root`'s tree listen on (a server that ignored PORT, or drifted). */
export async function portsOfTree(root: number): Promise<number[]> {
  const { readdir, readlink } = await fs()
  const sockets = await listeningSockets()
  const ports = new Set<number>()
  for (const pid of await treeOf(root)) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const inode = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''))?.[1]
      const port = inode === undefined ? undefined : sockets.get(inode)
      if (port !== undefined) ports.add(port)
    }
  }
  return [...ports].sort((a, b) => a - b)
}

/** ppid and process group of `pid` from /proc/PID/stat, split after the command name's last ")". */
async function statOf(pid: number): Promise<{ ppid: number; pgrp: number } | null> {
  const { readFile } = await fs()
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  if (!stat) return null
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { ppid: Number(fields[1]), pgrp: Number(fields[2]) }
}

/** The child, its descendants, and the members of its process group (the child leads its group). */
export async function treeOf(root: number): Promise<Set<number>> {
  const { readdir } = await fs()
  const parents = new Map<number, number>()
  const tree = new Set<number>([root])
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^[0-9]+$/.test(entry)) continue
    const pid = Number(entry)
    const stat = await statOf(pid)
    if (!stat) continue
    parents.set(pid, stat.ppid)
    if (stat.pgrp === root) tree.add(pid)
  }
  // Grow the set until no process has a parent in it: pids are not ordered by ancestry.
  for (let grown = true; grown; ) {
    grown = false
    for (const [pid, ppid] of parents) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid)
        grown = true
      }
    }
  }
  return tree
}

/** The first pid of `pids` that holds one of `inodes` open, or null. */
async function holderAmong(pids: Iterable<number>, inodes: Set<string>): Promise<number | null> {
  const { readdir, readlink } = await fs()
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const inode = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''))?.[1]
      if (inode && inodes.has(inode)) return pid
    }
  }
  return null
}

export type Listener =
  | { kind: 'none' }
  /** A process of the service's tree listens. */
  | { kind: 'ours'; pid: number }
  /** Someone else listens: `holder` when /proc shows who (null for another user's process). */
  | { kind: 'other'; holder: Holder | null }

/** Who listens on `port`, relative to the tree of `root`. */
export async function listenerOf(port: number, root: number): Promise<Listener> {
  const inodes = await listeningInodes(port)
  if (inodes.size === 0) return { kind: 'none' }
  const pid = await holderAmong(await treeOf(root), inodes)
  if (pid !== null) return { kind: 'ours', pid }
  return { kind: 'other', holder: await findHolder(port) }
}

/** Whether a process of `root`'s tree still has the socket `inode` open (the `--fd` handover). */
export async function treeHoldsInode(root: number, inode: string): Promise<boolean> {
  return (await holderAmong(await treeOf(root), new Set([inode]))) !== null
}

/** The inode of an open fd of this process (`socket:[123]` → `123`), or null. */
export async function inodeOfFd(fd: number): Promise<string | null> {
  const { readlink } = await fs()
  return /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/self/fd/${fd}`).catch(() => ''))?.[1] ?? null
}
