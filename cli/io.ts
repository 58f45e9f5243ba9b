/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface Io {
  stdout(text: string): void
  stderr(text: string): void
  env: Record<string, string | undefined>
  /** Colours for stdout and for stderr, each on only when that stream is a terminal. */
  out: Colors
  err: Colors
  /** Whether stderr is a terminal (for the progress bar). Loads node:tty, so ask only when needed. */
  stderrIsTerminal(): boolean
  /** Writes without a newline: the progress bar redraws one line. */
  stderrRaw(text: string): void
}

type Paint = (text: string) => string
export interface Colors {
  red: Paint
  green: Paint
  yellow: Paint
  bold: Paint
  dim: Paint
}

const PLAIN: Colors = { red: String, green: String, yellow: String, bold: String, dim: String }

/** Colour only on a terminal, never with NO_COLOR (any non-empty value) or TERM=dumb. */
export function colorEnabled(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false
  if (env.TERM === 'dumb') return false
  return Boolean(isTTY)
}

/**
 * Colours decided on first use. In the compiled binary, asking whether a stream is a
 * terminal loads node:tty (and picocolors does too), about 10 ms of a 15 ms cold start,
 * so a plain `berth get` that prints nothing coloured never pays for it.
 */
function lazyColors(fd: 1 | 2, env: Record<string, string | undefined>): Colors {
  let colors: Colors | undefined
  const resolve = (): Colors => {
    // The environment alone can rule colour out; only then is the terminal asked.
    if (!colors) {
      const onTerminal = colorEnabled(true, env) && (require('node:tty') as typeof import('node:tty')).isatty(fd)
      colors = onTerminal ? (require('picocolors') as typeof import('picocolors')).createColors(true) : PLAIN
    }
    return colors
  }
  const paint = (name: keyof Colors): Paint => (text) => resolve()[name](text)
  return { red: paint('red'), green: paint('green'), yellow: paint('yellow'), bold: paint('bold'), dim: paint('dim') }
}

// console.log and console.error are the cheapest writers in a compiled Bun binary (touching
// process.stdout costs ~10 ms at start-up). They add the newline, so one is taken off.
const chomp = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text)

export function processIo(): Io {
  const env = process.env
  return {
    stdout: (text) => console.log(chomp(text)),
    stderr: (text) => console.error(chomp(text)),
    env,
    out: lazyColors(1, env),
    err: lazyColors(2, env),
    stderrIsTerminal: () => (require('node:tty') as typeof import('node:tty')).isatty(2),
    stderrRaw: (text) => void process.stderr.write(text),
  }
}
