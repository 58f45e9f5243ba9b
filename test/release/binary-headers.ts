/**
 * What a binary is, read from its own headers (no `file` heuristics): ELF machine and interpreter,
 * Mach-O CPU type and code signature, PE machine. For Mach-O, the ad-hoc signature's page hashes
 * are recomputed here, on Linux: Bun's cross-compiled macOS binaries have shipped with hashes
 * that no longer matched their pages, and macOS kills such a binary at launch.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export interface Header {
  format: 'elf' | 'macho' | 'pe'
  arch: 'x64' | 'arm64' | string
  /** ELF: the program interpreter (which libc's loader). */
  interpreter?: string
  /** Mach-O: the code signature's page hashes, checked; undefined when there is no signature. */
  signature?: { pages: number; badPages: number[] }
}

function elf(b: Buffer): Header {
  const machine = b.readUInt16LE(18)
  const phoff = Number(b.readBigUInt64LE(32))
  const phentsize = b.readUInt16LE(54)
  const phnum = b.readUInt16LE(56)
  let interpreter: string | undefined
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize
    if (b.readUInt32LE(at) !== 3) continue // PT_INTERP
    const offset = Number(b.readBigUInt64LE(at + 8))
    const size = Number(b.readBigUInt64LE(at + 32))
    interpreter = b.subarray(offset, offset + size - 1).toString()
  }
  return { format: 'elf', arch: machine === 62 ? 'x64' : machine === 183 ? 'arm64' : `machine ${machine}`, interpreter }
}

/** The CodeDirectory's page hashes against the pages they cover. */
function codeSignature(b: Buffer, dataoff: number): Header['signature'] {
  const count = b.readUInt32BE(dataoff + 8)
  for (let i = 0; i < count; i++) {
    const type = b.readUInt32BE(dataoff + 12 + i * 8)
    const cd = dataoff + b.readUInt32BE(dataoff + 16 + i * 8)
    if (type !== 0 || b.readUInt32BE(cd) !== 0xfade0c02) continue
    const hashOffset = b.readUInt32BE(cd + 16)
    const nCodeSlots = b.readUInt32BE(cd + 28)
    const codeLimit = b.readUInt32BE(cd + 32)
    const hashSize = b.readUInt8(cd + 36)
    const hashType = b.readUInt8(cd + 37)
    const pageSize = 2 ** b.readUInt8(cd + 39)
    const algorithm = hashType === 2 ? 'sha256' : hashType === 1 ? 'sha1' : undefined
    if (!algorithm) throw new Error(`unknown CodeDirectory hash type ${hashType}`)
    const badPages: number[] = []
    for (let page = 0; page < nCodeSlots; page++) {
      const start = page * pageSize
      const digest = createHash(algorithm)
        .update(b.subarray(start, Math.min(start + pageSize, codeLimit)))
        .digest()
      const stored = b.subarray(cd + hashOffset + page * hashSize, cd + hashOffset + (page + 1) * hashSize)
      if (!digest.subarray(0, hashSize).equals(stored)) badPages.push(page)
    }
    return { pages: nCodeSlots, badPages }
  }
  return undefined
}

function macho(b: Buffer): Header {
  const cpu = b.readUInt32LE(4)
  const ncmds = b.readUInt32LE(16)
  let at = 32
  let signature: Header['signature']
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(at)
    if (cmd === 0x1d) signature = codeSignature(b, b.readUInt32LE(at + 8)) // LC_CODE_SIGNATURE
    at += b.readUInt32LE(at + 4)
  }
  return { format: 'macho', arch: cpu === 0x01000007 ? 'x64' : cpu === 0x0100000c ? 'arm64' : `cpu ${cpu}`, signature }
}

function pe(b: Buffer): Header {
  const at = b.readUInt32LE(0x3c)
  if (b.toString('latin1', at, at + 4) !== 'PE\0\0') throw new Error('MZ header without a PE signature')
  const machine = b.readUInt16LE(at + 4)
  return { format: 'pe', arch: machine === 0x8664 ? 'x64' : machine === 0xaa64 ? 'arm64' : `machine ${machine}` }
}

export function readHeader(file: string): Header {
  const b = readFileSync(file)
  if (b.readUInt32BE(0) === 0x7f454c46) return elf(b)
  if (b.readUInt32LE(0) === 0xfeedfacf) return macho(b)
  if (b.toString('latin1', 0, 2) === 'MZ') return pe(b)
  throw new Error(`${file}: not an ELF, Mach-O or PE file`)
}
