/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface Io {
  stdout(text: string): void
  stderr(text: string): void
  env: Record<string, string | undefined>
  /** The working directory: where the project and the files named on the command line are found. */
  cwd: string
  /** Colours for stdout and for stderr, each on only when that stream gets colour (colorEnabled). */
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

/**
 * What the environment alone decides: never with NO_COLOR (any non-empty value) or TERM=dumb;
 * FORCE_COLOR (non-empty) forces colour on, even into a pipe, except `0` and `false`, which turn it
 * off; otherwise undefined: colour goes to a terminal only.
 */
export function colorFromEnv(env: Record<string, string | undefined>): boolean | undefined {
  if (env.NO_COLOR) return false
  if (env.TERM === 'dumb') return false
  const force = env.FORCE_COLOR
  if (force) return force !== '0' && force !== 'false'
  return undefined
}

export function colorEnabled(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return colorFromEnv(env) ?? Boolean(isTTY)
}

/**
 * Colours decided on first use. In the compiled binary, asking whether a stream is a
 * terminal loads node:tty (and picocolors does too), which costs more than the rest of a
 * cold start (README, Benchmark: "Behind the code's choices"), so a plain `berth get` that
 * prints nothing coloured never pays for it.
 */
function lazyColors(fd: 1 | 2, env: Record<string, string | undefined>): Colors {
  let colors: Colors | undefined
  const resolve = (): Colors => {
    // The environment alone can decide; only otherwise is the terminal asked.
    colors ??=
      (colorFromEnv(env) ?? (require('node:tty') as typeof import('node:tty')).isatty(fd))
        ? (require('picocolors') as typeof import('picocolors')).createColors(true)
        : PLAIN
    return colors
  }
  const paint =
    (name: keyof Colors): Paint =>
    (text) =>
      resolve()[name](text)
  return { red: paint('red'), green: paint('green'), yellow: paint('yellow'), bold: paint('bold'), dim: paint('dim') }
}

/**
 * stderr is written as it is given: `console.error` would colour every line red on a terminal (Bun
 * does, also with TERM=dumb). Bun's writer for fd 2 writes at once, where `process.stderr` would load
 * Node's stream machinery into every cold `berth get`; other runtimes use `process.stderr`. What a full
 * pipe cannot take at once is written later, so the process must end by itself (cli/main.ts sets
 * the exit code and returns) rather than through process.exit, which would drop it.
 */
function stderrWriter(): (text: string) => void {
  let write: ((text: string) => void) | undefined
  const make = (): ((text: string) => void) => {
    if (typeof Bun === 'undefined') return (text) => void process.stderr.write(text)
    const sink = Bun.stderr.writer()
    return (text) => {
      sink.write(text)
      void sink.flush()
    }
  }
  return (text) => (write ??= make())(text)
}

// console.log is the cheapest writer of stdout in a compiled Bun binary (touching process.stdout
// loads Node's stream machinery at start-up), and prints a single string exactly. It adds the newline, so one is taken off.
const chomp = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text)

export function processIo(): Io {
  const env = process.env
  const stderr = stderrWriter()
  return {
    stdout: (text) => console.log(chomp(text)),
    stderr,
    env,
    cwd: process.cwd(),
    out: lazyColors(1, env),
    err: lazyColors(2, env),
    stderrIsTerminal: () => (require('node:tty') as typeof import('node:tty')).isatty(2),
    stderrRaw: stderr,
  }
}
