import type { CommandInfo, OptionInfo } from './command-table.ts'

/**
 * Static completion scripts for bash, zsh and fish, written from the command table
 * (cli/command-table.ts). They never call berth back, so they work the same for the compiled
 * binary and the npm package, and cost nothing at the prompt.
 */
export interface CommandTable {
  commands: CommandInfo[]
  globalOptions: OptionInfo[]
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

const isPath = (o: OptionInfo) => o.value === 'file' || o.value === 'dir'

function bash({ commands, globalOptions }: CommandTable): string {
  const words = (list: string[]) => list.join(' ')
  const globalFlags = globalOptions.flatMap((o) => o.flags)
  const cases = commands.map((c) => {
    const values = c.options
      .filter((o) => o.value)
      .map((o) => {
        const what = o.choices
          ? `mapfile -t COMPREPLY < <(compgen -W '${words(o.choices)}' -- "$cur")`
          : o.value === 'dir'
            ? 'mapfile -t COMPREPLY < <(compgen -d -- "$cur")'
            : o.value === 'file'
              ? 'mapfile -t COMPREPLY < <(compgen -f -- "$cur")'
              : 'COMPREPLY=()'
        return `        ${o.flags.join('|')}) ${what}; return ;;`
      })
    const args = c.argChoices
      ? `words='${words(c.argChoices)} ${words(c.options.flatMap((o) => o.flags))}'`
      : `words='${words(c.options.flatMap((o) => o.flags))}'`
    return [`    ${c.name})`, ...(values.length ? ['      case "$prev" in', ...values, '      esac'] : []), `      ${args} ;;`].join('\n')
  })
  return `# bash completion for berth (written by \`berth completion bash\`)
_berth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" words
  if [ "$COMP_CWORD" -eq 1 ]; then
    mapfile -t COMPREPLY < <(compgen -W '${words(commands.map((c) => c.name))} ${words(globalFlags)}' -- "$cur")
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    *) words='${words(globalFlags)}' ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _berth berth
`
}

// zsh's _arguments specs: brackets, colons and backslashes in a description need a backslash.
const zshText = (text: string) => text.replace(/[\\[\]:]/g, '\\$&').replace(/'/g, `'\\''`)

function zshOption(o: OptionInfo): string {
  const action =
    o.value === undefined
      ? ''
      : `:${o.value}:${o.choices ? `(${o.choices.join(' ')})` : o.value === 'dir' ? '_files -/' : o.value === 'file' ? '_files' : ' '}`
  const spec = `[${zshText(o.description)}]${action}`
  if (o.flags.length === 1) return `'${o.repeatable ? '*' : ''}${o.flags[0]}${spec}'`
  return `'(${o.flags.join(' ')})'{${o.flags.join(',')}}'${spec}'`
}

function zsh({ commands, globalOptions }: CommandTable): string {
  const cases = commands.map((c) => {
    const specs = [...c.options.map(zshOption), ...(c.argChoices ? [`'1:${c.name}:(${c.argChoices.join(' ')})'`] : [])]
    return `    ${c.name}) _arguments -s ${specs.join(' ')} ;;`
  })
  return `#compdef berth
# zsh completion for berth (written by \`berth completion zsh\`)
_berth() {
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${zshText(c.description)}'`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'berth command' commands
    _arguments -s ${globalOptions.map(zshOption).join(' ')}
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${cases.join('\n')}
  esac
}
# Installed in $fpath, this file is the function itself; sourced, it registers the function.
if [ "$funcstack[1]" = "_berth" ]; then _berth "$@"; else compdef _berth berth; fi
`
}

const fishText = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

function fishOption(o: OptionInfo, condition: string): string {
  const spell = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ')
  const value = o.value === undefined ? '' : o.choices ? ` -x -a ${fishText(o.choices.join(' '))}` : isPath(o) ? ' -r -F' : ' -x'
  return `complete -c berth -n ${fishText(condition)} ${spell}${value} -d ${fishText(o.description)}`
}

function fish({ commands, globalOptions }: CommandTable): string {
  const lines = ['# fish completion for berth (written by `berth completion fish`)', 'complete -c berth -f']
  for (const c of commands) lines.push(`complete -c berth -n __fish_use_subcommand -a ${c.name} -d ${fishText(c.description)}`)
  for (const o of globalOptions) lines.push(fishOption(o, 'true'))
  for (const c of commands) {
    const condition = `__fish_seen_subcommand_from ${c.name}`
    if (c.argChoices) lines.push(`complete -c berth -n ${fishText(condition)} -a ${fishText(c.argChoices.join(' '))}`)
    for (const o of c.options) lines.push(fishOption(o, condition))
  }
  return `${lines.join('\n')}\n`
}

export function completionScript(shell: Shell, table: CommandTable): string {
  return { bash, zsh, fish }[shell](table)
}
