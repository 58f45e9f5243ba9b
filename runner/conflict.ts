/**
 * Was the child's death a port conflict? Node, Bun and Python all exit 1 on EADDRINUSE, so the
 * exit code proves nothing. It was when another process now LISTENs on the leased port (certain,
 * from /proc), or when the child's stderr says the address was in use.
 */
import { findHolder, type Holder } from './deps.ts'
import { listenerOf, procAvailable } from './proc-tree.ts'

/** What Node, Bun, Python and Vite print when the port is taken. */
export const ADDRESS_IN_USE = /EADDRINUSE|address already in use|Is port \d+ in use|Port \d+ is already in use/i

export type Verdict = { conflict: false } | { conflict: true; holder: Holder | null; evidence: 'listener' | 'stderr' }

export async function classifyExit(port: number, childPid: number, stderrTail: string): Promise<Verdict> {
  if (procAvailable()) {
    const listener = await listenerOf(port, childPid)
    if (listener.kind === 'other') return { conflict: true, holder: listener.holder, evidence: 'listener' }
  }
  if (ADDRESS_IN_USE.test(stderrTail)) return { conflict: true, holder: await findHolder(port), evidence: 'stderr' }
  return { conflict: false }
}

/** `node` for `/usr/bin/node server.js`: the program's name, as the log line shows it. */
export const programName = (command: string) => {
  const first = command.split(' ')[0] ?? command
  return first.slice(first.lastIndexOf('/') + 1) || command
}

/** The spec-style line for a restart on another port. */
export function conflictLine(service: string, port: number, holder: Holder | null, next: number): string {
  const who = holder ? `pid ${holder.pid} (${programName(holder.command)})` : 'another process (not visible to this user)'
  return `⚠️  [${service}] Port ${port} taken by ${who}: restarted on ${next}`
}
