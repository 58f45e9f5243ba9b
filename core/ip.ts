// Address checks without loading node:net (which costs ~10 ms at start-up under Bun).

export function isIPv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/** Counts the 16-bit groups of one side of `::`, or -1 when a group is malformed. */
function groups(side: string, last: boolean): number {
  if (side === '') return 0
  const parts = side.split(':')
  let count = 0
  for (const [i, part] of parts.entries()) {
    // An embedded IPv4 address (::ffff:127.0.0.1) may end the address and counts as two groups.
    if (last && i === parts.length - 1 && isIPv4(part)) count += 2
    else if (HEX_GROUP.test(part)) count += 1
    else return -1
  }
  return count
}

export function isIPv6(text: string): boolean {
  const halves = text.split('::')
  if (halves.length > 2) return false
  if (halves.length === 1) return groups(text, true) === 8
  const head = groups(halves[0]!, false)
  const tail = groups(halves[1]!, true)
  return head >= 0 && tail >= 0 && head + tail <= 7
}
