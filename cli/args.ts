import { PortError } from '../core/errors.ts'
import type { PortEntry } from '../core/port-ranges.ts'
import { parsePortText } from '../core/validate.ts'

// cac (through mri) turns "1e3" into 1000 and "0x50" into 80 before we see them, which
// would let garbage become a port. Number-like words are marked before parsing so they
// stay text, and the mark is taken off again before validation.
const MARK = '\u0000'

const numberLike = (text: string) => text.trim() === '' || Number.isFinite(Number(text))

export function protectArgv(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    if (eq > 0) return numberLike(arg.slice(eq + 1)) ? `${arg.slice(0, eq + 1)}${MARK}${arg.slice(eq + 1)}` : arg
    return numberLike(arg) ? MARK + arg : arg
  })
}

/** Takes the marks off every string inside parsed args and options. */
export function unprotect<T>(value: T): T {
  if (typeof value === 'string') return (value.startsWith(MARK) ? value.slice(1) : value) as T
  if (Array.isArray(value)) return value.map(unprotect) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unprotect(v)])) as T
  }
  return value
}

/** A usage error: the CLI exits 2 with this message and prints nothing on stdout. */
export function usageError(message: string): PortError {
  return new PortError('E_INVALID_OPTIONS', message)
}

/** Reads one port given as `--name value` or a positional; names the argument when it is wrong. */
export function portArg(name: string, value: unknown): number {
  if (typeof value !== 'string') throw usageError(`${name} needs a port number (1-65535)`)
  const port = parsePortText(value)
  if (port === null) throw usageError(`${name} must be a whole number from 1 to 65535, got ${JSON.stringify(value)}`)
  return port
}

/** More entries than this in one list is a mistake (or an attack), not a port plan. */
export const MAX_LIST_ENTRIES = 1000

/**
 * `3000,3001,3100-3110` → its ports and ranges, each checked, none expanded: `1-65535` stays one
 * entry, so memory and time follow the length of the list, never the number of ports it covers.
 */
export function portListArg(name: string, value: unknown): PortEntry[] {
  const texts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','))
  if (texts.length > MAX_LIST_ENTRIES) {
    throw usageError(
      `${name} lists ${texts.length} entries; at most ${MAX_LIST_ENTRIES}: write a range such as 3000-3999 instead of many ports`,
    )
  }
  return texts.map((text): PortEntry => {
    const [from, to, extra] = text.split('-')
    if (extra !== undefined) throw usageError(`${name}: ${JSON.stringify(text)} is not a port or a range like 3000-3010`)
    const start = portArg(name, from)
    const end = to === undefined ? start : portArg(name, to)
    if (end < start) throw usageError(`${name}: the range ${JSON.stringify(text)} is reversed`)
    return start === end ? start : [start, end]
  })
}

/** A string option: present, and not a bare flag. */
export function textArg(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw usageError(`${name} needs a value`)
  return value
}

/** `--options '{"hash":{"seed":7}}'`: a JSON object (the plugins' options, under their names). */
export function jsonObjectArg(name: string, value: unknown): Record<string, unknown> {
  const text = textArg(name, value)!
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw usageError(
      `${name} must be a JSON object such as '{"hash":{"seed":7}}': ${(error as Error).message}, got ${JSON.stringify(text)}`,
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw usageError(`${name} must be a JSON object such as '{"hash":{"seed":7}}', got ${JSON.stringify(text)}`)
  return parsed as Record<string, unknown>
}

/** `1024-65535` (or one port) → its two ends; the message names the whole range and says what is wrong. */
export function rangeArg(name: string, value: unknown): { from: number; to: number } {
  const text = typeof value === 'string' ? value : ''
  const show = JSON.stringify(String(value ?? ''))
  const parts = text.split('-')
  if (text === '' || parts.length > 2) throw usageError(`${name} ${show} is not a range: write it like 1024-65535`)
  if (parts.some((part) => part === '')) throw usageError(`${name} ${show} is missing a port: write it like 1024-65535`)
  const [from, to] = parts.map((part) => {
    const port = parsePortText(part)
    if (port === null) throw usageError(`${name} ${show}: ${JSON.stringify(part)} is not a port from 1 to 65535`)
    return port
  }) as [number, number?]
  const last = to ?? from
  if (last < from) throw usageError(`${name} ${show} is reversed: ${from} is above ${last}`)
  return { from, to: last }
}

const camelCase = (name: string) => name.replace(/([a-z])-([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase())

/** cac names an unknown option in camelCase (`--bogusFlag`); the error names it as it was typed (`--bogus-flag`). */
export function asTyped(error: unknown, argv: readonly string[]): unknown {
  // mri keeps `=value` in the name of an unknown `--no-x=value`; it is not part of the option's name.
  const reported = error instanceof Error && error.name === 'CACError' ? /^Unknown option `--([^`=]+)/.exec(error.message)?.[1] : undefined
  if (reported === undefined) return error
  for (const arg of argv) {
    if (arg === '--') break
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : ''
    if (name && (camelCase(name) === reported || camelCase(name.replace(/^no-/, '')) === reported)) {
      ;(error as Error).message = `Unknown option \`--${name}\``
      break
    }
  }
  return error
}
