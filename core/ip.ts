// Address checks without loading node:net (which costs ~10 ms at start-up under Bun).
// Loose for IPv6 on purpose: a malformed address still fails at the real bind.

export function isIPv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
}

export function isIPv6(text: string): boolean {
  return text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text) && text.split('::').length <= 2
}
