import { cac, type CAC } from 'cac'
import pkg from '../package.json' with { type: 'json' }
import { asTyped, protectArgv, unprotect, usageError } from './args.ts'
import { EXIT, reportError } from './exit-codes.ts'
import { describeCommands } from './command-table.ts'
import { LEASE_COMMANDS } from './definitions/leases.ts'
import { commands } from './definitions/loaders.ts'
import { PORT_COMMANDS } from './definitions/ports.ts'
import { SERVICE_COMMANDS } from './definitions/services.ts'
import { EXIT_HELP } from './exit-help.ts'
import type { Io } from './io.ts'

/**
 * Each command's definition, in the order help lists them. Only the command being run is
 * registered: cac builds every option it is given, and all of them are a visible part of a cold
 * `berth get` (scenario 4).
 */
const DEFINITIONS = {
  get: SERVICE_COMMANDS.get,
  check: PORT_COMMANDS.check,
  scan: PORT_COMMANDS.scan,
  up: SERVICE_COMMANDS.up,
  exec: SERVICE_COMMANDS.exec,
  run: SERVICE_COMMANDS.run,
  port: LEASE_COMMANDS.port,
  list: LEASE_COMMANDS.list,
  release: LEASE_COMMANDS.release,
  gc: LEASE_COMMANDS.gc,
  who: PORT_COMMANDS.who,
  kill: PORT_COMMANDS.kill,
  metrics: LEASE_COMMANDS.metrics,
  // Here, not in a file of its own: the completion script is made from the whole table (commandTable).
  completion: (cli: CAC, io: Io) =>
    cli
      .command('completion <shell>', 'Print the completion script for bash, zsh or fish')
      .example('source <(berth completion bash)')
      .example('berth completion fish > ~/.config/fish/completions/berth.fish')
      .action(async (shell) => (await commands.completion()).completionCommand(unprotect(shell), () => commandTable(io), io)),
}

type CommandName = keyof typeof DEFINITIONS

/** Builds the command table: only `only` when it names a command, else every command (for help). */
function buildCli(io: Io, only: string | undefined) {
  const cli = cac('berth')
  const names = Object.keys(DEFINITIONS) as CommandName[]
  for (const name of names.includes(only as CommandName) ? [only as CommandName] : names) DEFINITIONS[name](cli, io)
  cli.help((sections) => [...sections, { body: EXIT_HELP }])
  // run() prints the help itself, through io (see printHelp).
  cli.showHelpOnExit = false
  // Not cac's version(), which prints the runtime's version beside berth's.
  cli.option('-v, --version', "Print berth's version")
  for (const command of cli.commands) {
    // Each command checks its own arguments, with a message that says what is missing.
    for (const arg of command.args) arg.required = false
    // cac gives `--no-persist` the default true, printed as "(default: true)" in help; the flag only turns persistence off.
    for (const option of command.options) if (option.negated) delete option.config.default
  }
  return cli
}

/** cac writes help with console.info; it goes through io instead, like every other output, so a caller of run() gets it. */
function printHelp(cli: CAC, io: Io): void {
  const info = console.info
  let text = ''
  console.info = (...parts: unknown[]) => void (text += `${parts.join(' ')}\n`)
  try {
    cli.outputHelp()
  } finally {
    console.info = info
  }
  io.stdout(text)
}

/** Every command and option, as data: for the completion scripts and the man page. */
export function commandTable(io: Io) {
  return describeCommands(buildCli(io, undefined))
}

/** Runs the CLI on `argv` (without the executable and script) and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const cli = buildCli(io, argv[0])
    const parsed = cli.parse(['berth', 'berth', ...protectArgv(argv)], { run: false })
    if (parsed.options.help) {
      printHelp(cli, io)
      return EXIT.ok
    }
    if (parsed.options.version) {
      io.stdout(`berth ${pkg.version}\n`)
      return EXIT.ok
    }
    if (!cli.matchedCommand) {
      const word = unprotect(parsed.args[0])
      if (word === undefined) {
        printHelp(cli, io)
        return EXIT.usage
      }
      throw usageError(`Unknown command ${JSON.stringify(String(word))}. Commands: ${Object.keys(DEFINITIONS).join(', ')}`)
    }
    return (await cli.runMatchedCommand()) as number
  } catch (error) {
    return reportError(asTyped(error, argv), io)
  }
}
