/**
 * The CLI run in-process through `run(argv, io)`: the same parsing, commands, output and exit codes
 * as the compiled binary, without a process per call. What only the binary shows (its start-up,
 * signals, a real terminal, files embedded in it) stays in the spawned tests.
 */
import pc from 'picocolors'
import type { Colors, Io } from '../../cli/io.ts'
import { run } from '../../cli/run.ts'
import { clearClaims } from '../../core/claims.ts'
import { ROOT, type Ran } from './binary.ts'
import { freshStateDir } from './temp.ts'

const PLAIN: Colors = { red: String, green: String, yellow: String, bold: String, dim: String }
const PAINTED: Colors = pc.createColors(true)

export interface CliOptions {
  /** The environment, on top of a minimal one with a fresh BERTH_STATE_DIR; `undefined` removes a variable. */
  env?: Record<string, string | undefined>
  /** The working directory the command sees (default: the repository root, as the spawned tests use). */
  cwd?: string
  /** Colour on stderr and stdout, as a terminal (or FORCE_COLOR) would get. */
  colour?: boolean
}

/**
 * Runs `berth ARGV` in this process. The environment is not inherited from the test process (no
 * stray PORT or NODE_ENV), only PATH and HOME are. stdout is collected as the binary prints it: each
 * write ends with one newline (cli/io.ts prints through console.log, which adds it).
 * Each run is one berth process: the in-process claims of the run before are forgotten first, as
 * they are when a process exits (leases in the registry stay, as they do between processes).
 */
export async function cli(argv: string[], options: CliOptions = {}): Promise<Ran> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BERTH_STATE_DIR: freshStateDir(),
    ...options.env,
  }
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
  let stdout = ''
  let stderr = ''
  const colors = options.colour ? PAINTED : PLAIN
  const io: Io = {
    stdout: (text) => void (stdout += text.endsWith('\n') ? text : `${text}\n`),
    stderr: (text) => void (stderr += text),
    stderrRaw: (text) => void (stderr += text),
    stderrIsTerminal: () => false,
    env,
    cwd: options.cwd ?? ROOT,
    out: colors,
    err: colors,
  }
  clearClaims()
  const code = await run(argv, io)
  return { code, stdout, stderr }
}

/** A registry shared by several in-process runs: `cli` with this BERTH_STATE_DIR (and cwd) every time. */
export function cliWithState(defaults: CliOptions = {}) {
  const env = { BERTH_STATE_DIR: freshStateDir(), ...defaults.env }
  return {
    env,
    run: (argv: string[], options: CliOptions = {}) => cli(argv, { ...defaults, ...options, env: { ...env, ...options.env } }),
    leases: async () => JSON.parse((await cli(['list', '--json'], { ...defaults, env })).stdout) as Array<Record<string, unknown>>,
  }
}
