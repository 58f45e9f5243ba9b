/**
 * A set of ports kept as sorted, merged ranges: its memory grows with the number of ranges
 * given, never with the number of ports they cover (`1-65535` is one entry, not 65535), and a
 * lookup is a binary search. Excluded ports are kept this way.
 */

/** One port, or an inclusive range `[from, to]`. */
export type PortEntry = number | readonly [number, number]

export class PortRanges {
  static readonly EMPTY = new PortRanges([], [])

  private readonly starts: readonly number[]
  private readonly ends: readonly number[]

  private constructor(starts: readonly number[], ends: readonly number[]) {
    this.starts = starts
    this.ends = ends
  }

  /** Sorts and merges the entries (overlapping and touching ranges become one). Entries must be valid ports, `from <= to`. */
  static from(entries: Iterable<PortEntry>): PortRanges {
    const pairs: Array<[number, number]> = []
    for (const entry of entries) pairs.push(typeof entry === 'number' ? [entry, entry] : [entry[0], entry[1]])
    if (pairs.length === 0) return PortRanges.EMPTY
    pairs.sort((a, b) => a[0] - b[0])
    const starts: number[] = []
    const ends: number[] = []
    for (const [from, to] of pairs) {
      const last = ends.length - 1
      if (last >= 0 && from <= ends[last]! + 1) ends[last] = Math.max(ends[last]!, to)
      else {
        starts.push(from)
        ends.push(to)
      }
    }
    return new PortRanges(starts, ends)
  }

  has(port: number): boolean {
    let low = 0
    let high = this.starts.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      if (port < this.starts[middle]!) high = middle - 1
      else if (port > this.ends[middle]!) low = middle + 1
      else return true
    }
    return false
  }

  /** How many ports the set holds. */
  get size(): number {
    let total = 0
    for (let i = 0; i < this.starts.length; i++) total += this.ends[i]! - this.starts[i]! + 1
    return total
  }

  /** The merged ranges, in order. */
  ranges(): Array<[number, number]> {
    return this.starts.map((from, i) => [from, this.ends[i]!])
  }

  /** Every port, in order (lazily). */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.starts.length; i++) for (let port = this.starts[i]!; port <= this.ends[i]!; port++) yield port
  }
}
