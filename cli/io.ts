import pc from 'picocolors'

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface Io {
  stdout(text: string): void
  stderr(text: string): void
  env: Record<string, string | undefined>
  /** Colours for stdout and for stderr, each on only when that stream is a terminal. */
  out: ReturnType<typeof pc.createColors>
  err: ReturnType<typeof pc.createColors>
  /** True when stderr is a terminal (progress, colour). */
  interactive: boolean
}

/** Colour only on a terminal, never with NO_COLOR (any non-empty value) or TERM=dumb. */
export function colorEnabled(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false
  if (env.TERM === 'dumb') return false
  return Boolean(isTTY)
}

export function processIo(): Io {
  const env = process.env
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env,
    out: pc.createColors(colorEnabled(process.stdout.isTTY, env)),
    err: pc.createColors(colorEnabled(process.stderr.isTTY, env)),
    interactive: Boolean(process.stderr.isTTY),
  }
}
