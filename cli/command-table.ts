import type { CAC } from 'cac'

/** One option as completions and the man page show it. */
export interface OptionInfo {
  /** Every spelling: `['-q', '--quiet']`. */
  flags: string[]
  /** The value's name (`port`, `file`), or undefined for a flag. */
  value?: string
  description: string
  /** The values it takes, when there is a fixed set (`--format`). */
  choices?: string[]
  /** Given more than once (`--plugin`). */
  repeatable: boolean
}

export interface CommandInfo {
  name: string
  /** `get <service>` */
  usage: string
  description: string
  /** The values of its first argument, when there is a fixed set (`completion <shell>`). */
  argChoices?: string[]
  options: OptionInfo[]
  examples: string[]
}

// What the cac table cannot say: fixed sets of values, and options that may repeat.
const ARG_CHOICES: Record<string, string[]> = { completion: ['bash', 'zsh', 'fish'] }
const OPTION_CHOICES: Record<string, string[]> = { '--format': ['summary', 'env', 'shell', 'json'] }
const REPEATABLE = new Set(['--plugin'])

function option(rawName: string, description: string): OptionInfo {
  const [spellings, value] = rawName.split(/\s+(?=[<[])/)
  const flags = spellings!.split(',').map((flag) => flag.trim())
  const long = flags.at(-1)!
  return {
    flags,
    value: value?.replace(/[<>[\]]/g, ''),
    description,
    choices: OPTION_CHOICES[long],
    repeatable: REPEATABLE.has(long),
  }
}

/**
 * The CLI's commands and options as data, read from the cac table that parses them, so the
 * completion scripts and the man page never drift from what berth accepts.
 */
export function describeCommands(cli: CAC): { commands: CommandInfo[]; globalOptions: OptionInfo[] } {
  const commands = cli.commands.map((command) => ({
    name: command.name,
    usage: command.rawName,
    description: command.description,
    argChoices: ARG_CHOICES[command.name],
    options: command.options.map((o) => option(o.rawName, o.description)),
    examples: command.examples.map((example) => (typeof example === 'string' ? example : example('berth'))),
  }))
  return { commands, globalOptions: cli.globalCommand.options.map((o) => option(o.rawName, o.description)) }
}
