// Address checks without loading node:net, which would be most of a cold start under Bun (README, Benchmark: "Behind the code's choices").

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

/** The 16-bit groups of one side of `::`, or null when malformed. */
function groupValues(side: string, last: boolean): number[] | null {
  if (side === '') return []
  const values: number[] = []
  const parts = side.split(':')
  for (const [i, part] of parts.entries()) {
    if (last && i === parts.length - 1 && isIPv4(part)) {
      const [a, b, c, d] = part.split('.').map(Number) as [number, number, number, number]
      values.push((a << 8) | b, (c << 8) | d)
    } else if (HEX_GROUP.test(part)) values.push(parseInt(part, 16))
    else return null
  }
  return values
}

/** The 16 bytes of an IPv6 address in network order, or null when `text` is not one. */
export function ipv6Bytes(text: string): Uint8Array | null {
  if (!isIPv6(text)) return null
  const halves = text.split('::')
  const head = groupValues(halves[0]!, halves.length === 1)!
  const tail = halves.length === 2 ? groupValues(halves[1]!, true)! : []
  const words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8
    bytes[2 * i + 1] = word & 0xff
  })
  return bytes
}
