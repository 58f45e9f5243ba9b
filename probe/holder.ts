/**
 * Who listens on a port, for strict mode's error: Linux's /proc/net/tcp{,6} give the listening
 * socket's inode, and /proc/PID/fd links name the process that holds it. Processes of other
 * users are not visible to a normal user; the answer is then null, never a guess.
 */
export interface Holder {
  pid: number
  /** The command line, arguments joined by spaces. */
  command: string
}

const LISTEN = '0A'

async function listeningInodes(port: number, fs: typeof import('node:fs/promises')): Promise<Set<string>> {
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(table, 'utf8').catch(() => '')
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const local = fields[1]
      if (!local || fields[3] !== LISTEN) continue
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(fields[9]!)
    }
  }
  return inodes
}

export async function findHolder(port: number): Promise<Holder | null> {
  if (globalThis.process?.platform !== 'linux') return null
  const fs = await import('node:fs/promises')
  const inodes = await listeningInodes(port, fs)
  if (inodes.size === 0) return null
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^[0-9]+$/.test(entry)) continue
    const fds = await fs.readdir(`/proc/${entry}/fd`).catch(() => [] as string[])
    for (const fd of fds) {
      const link = await fs.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '')
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1]
      if (inode && inodes.has(inode)) {
        const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')
        return { pid: Number(entry), command: cmdline.split('\0').filter(Boolean).join(' ') || '?' }
      }
    }
  }
  return null
}

/** The parent of `pid` from /proc/PID/stat (field 4, after the command name's last ")"), or null. */
async function parentOf(pid: number, fs: typeof import('node:fs/promises')): Promise<number | null> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  return Number.isSafeInteger(ppid) && ppid > 0 ? ppid : null
}

/** True when `pid` was started by `ancestor`, directly or further down (Linux; false elsewhere). */
export async function isDescendant(pid: number, ancestor: number): Promise<boolean> {
  if (globalThis.process?.platform !== 'linux') return false
  const fs = await import('node:fs/promises')
  // Bounded: a pid cycle cannot happen, but a wrong read must not loop.
  for (let current: number | null = pid, hops = 0; current !== null && current > 1 && hops < 4096; hops++) {
    current = await parentOf(current, fs)
    if (current === ancestor) return true
  }
  return false
}
