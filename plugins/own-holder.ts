/** The line for a remembered port that the lease's own owner, or a process it started, is listening on. */
import { findHolder, isDescendant } from '../probe/holder.ts'

/** When `owner` or a process it started holds `port`: the line that says so; else null. */
export async function ownHolderLine(service: string, port: number, owner: number): Promise<string | null> {
  const holder = await findHolder(port)
  if (!holder || !(holder.pid === owner || (await isDescendant(holder.pid, owner)))) return null
  const who = holder.pid === owner ? "the lease's owner" : `started by the lease's owner (pid ${owner})`
  return `✅ [${service}] Port ${port}, remembered for ${service}, is in use by pid ${holder.pid} (${holder.command}), ${who}: still ${service}'s port, answered as it is`
}
