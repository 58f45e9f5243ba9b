/**
 * A group's placement: every member at `base + k` for one shared offset k, or none. Groups are
 * sticky like services: the offset the members had last time is tried first, and moving off it
 * is a warning. A strict member pins the group to offset 0 (its own port): the group fails,
 * naming the holder, rather than move it.
 */
import type { Allocator } from '../spec/allocator.ts'
import type { ServiceRequest } from '../spec/functions.ts'
import { PortError, isPortError } from '../core/errors.ts'
import { reasonText } from '../core/messages.ts'
import type { AllocationEvent, AllocationResult } from '../core/types.ts'
import type { PlannedGroup } from './plan.ts'

export const toInput = ({ name, ...rest }: ServiceRequest) => ({ ...rest, serviceName: name })

/** Offsets the members were placed at last time, in member order, each once. */
async function rememberedOffsets(allocator: Allocator, group: PlannedGroup): Promise<number[]> {
  const offsets: number[] = []
  for (const member of group.members) {
    const maxPort = Math.min(member.basePort + group.span, 65535)
    const port = await allocator.remembered({ ...toInput(member), maxPort, envVar: undefined })
    if (port !== null && !offsets.includes(port - member.basePort)) offsets.push(port - member.basePort)
  }
  return offsets
}

/** Why one member could not be placed: `db:5433 in use by another process`. */
const why = (member: ServiceRequest, port: number, error: PortError) =>
  `${member.name}:${port} ${reasonText(error.skipped?.[0]?.reason ?? 'unavailable')}`

/** The members' results say what the group did: preferred at offset 0, remembered, or a fallback. */
function label(results: AllocationResult[], group: PlannedGroup, offset: number, remembered: number | undefined, tries: number) {
  results.forEach((r, i) => {
    const base = group.members[i]!.basePort
    r.preferredPort = base
    r.usedPreferred = offset === 0
    r.outcome = offset === 0 ? 'preferred' : offset === remembered ? 'remembered' : 'fallback'
    if (remembered !== undefined) r.rememberedPort = base + remembered
    r.attempts = tries
  })
}

function placedEvent(
  group: PlannedGroup,
  results: AllocationResult[],
  offset: number,
  remembered: number | undefined,
  movedBecause: string | undefined,
): AllocationEvent {
  const where = `${results.map((r) => `${r.serviceName}:${r.port}`).join(', ')} at offset ${offset}`
  const name = group.name
  if (remembered !== undefined && offset !== remembered) {
    const message = `⚠️  [${name}] Offset ${remembered}, remembered for ${name}, no longer places every member (${movedBecause ?? 'unavailable'}): placed ${where}`
    return { type: 'fallback', level: 'warn', serviceName: name, message }
  }
  if (offset === 0) return { type: 'preferred', level: 'info', serviceName: name, message: `✅ [${name}] Placed ${where}` }
  if (offset === remembered)
    return { type: 'remembered', level: 'info', serviceName: name, message: `✅ [${name}] Placed ${where}, remembered for ${name}` }
  return { type: 'fallback', level: 'warn', serviceName: name, message: `⚠️  [${name}] Placed ${where} (preferred: offset 0)` }
}

/** Tries the remembered offset, then 0..span; at each, every member at `base + offset` or none. Trial misses stay silent. */
export async function placeGroup(allocator: Allocator, group: PlannedGroup, quiet: { on: boolean }, emit: (e: AllocationEvent) => void) {
  const strict = group.members.filter((m) => m.strict).map((m) => m.name)
  const remembered = strict.length > 0 ? [] : await rememberedOffsets(allocator, group)
  const all = Array.from({ length: group.span + 1 }, (_, k) => k)
  const offsets = strict.length > 0 ? [0] : [...remembered, ...all.filter((k) => !remembered.includes(k))]
  let movedBecause: string | undefined
  for (const [index, offset] of offsets.entries()) {
    const placed: AllocationResult[] = []
    let failed: { member: ServiceRequest; port: number } | undefined
    quiet.on = true
    try {
      for (const member of group.members) {
        const port = member.basePort + offset
        failed = { member, port }
        if (port > 65535) throw new PortError('E_NO_PORT', 'past 65535')
        placed.push(await allocator.allocate({ ...toInput(member), basePort: port, maxPort: port, envVar: undefined }))
      }
      quiet.on = false
      label(placed, group, offset, remembered[0], index + 1)
      emit(placedEvent(group, placed, offset, remembered[0], movedBecause))
      return placed
    } catch (error) {
      quiet.on = false
      // Put back what the members had before this trial (their remembered leases stay).
      for (const result of placed) await allocator.rollback(result.port)
      if (!isPortError(error) || error.code !== 'E_NO_PORT') throw error
      if (offset === remembered[0]) movedBecause = why(failed!.member, failed!.port, error)
      if (strict.length > 0) {
        const message = failed!.member.strict
          ? error.message
          : `🚨 [${group.name}] ${why(failed!.member, failed!.port, error)}, and ${strict.join(', ')} ${strict.length === 1 ? 'is' : 'are'} strict, so ${group.name} stays at offset 0: nothing was claimed`
        emit({ type: 'exhausted', level: 'error', serviceName: group.name, message })
        throw new PortError('E_NO_PORT', message, { skipped: error.skipped ?? [] })
      }
    }
  }
  const members = group.members.map((m) => `${m.name} ${m.basePort}+k`).join(', ')
  const message = `🚨 [${group.name}] No offset k from 0 to ${group.span} places every member (${members}); nothing was claimed`
  emit({ type: 'exhausted', level: 'error', serviceName: group.name, message })
  throw new PortError('E_NO_PORT', message)
}
