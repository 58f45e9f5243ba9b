import type { CommandTable } from './completion.ts'
import type { OptionInfo } from './command-table.ts'

/**
 * berth(1), written from the same command table as the completions and `--help`, so the page
 * says what the binary accepts. Plain man(7) macros: man, mandoc and groff all render them.
 */
export interface ManPageText {
  version: string
  /** YYYY-MM-DD: the page's date, given so that a rebuild writes the same bytes. */
  date: string
  /** The exit-code and state paragraphs of `berth --help`. */
  exitHelp: string
}

// Text to roff: a backslash is \e, a line may not start with . or ', and - in a flag is \-.
const roff = (text: string) => text.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1')
const flag = (text: string) => roff(text).replace(/-/g, '\\-')

/** Filled text as source lines of at most 80 bytes (roff joins them again). */
function wrap(text: string): string {
  const lines: string[] = []
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.length - 1
    if (last >= 0 && lines[last]!.length + 1 + word.length <= 80) lines[last] += ` ${word}`
    else lines.push(word)
  }
  return lines.map((line) => roff(line)).join('\n')
}

function optionItem(o: OptionInfo): string {
  const spelled = o.flags.map((f) => `\\fB${flag(f)}\\fR`).join(', ')
  return `.TP\n${spelled}${o.value ? ` \\fI${roff(o.value)}\\fR` : ''}\n${wrap(`${o.description}${o.choices ? `: ${o.choices.join(', ')}` : ''}`)}`
}

export function manPage({ commands, globalOptions }: CommandTable, text: ManPageText): string {
  const [exitCodes = '', state = ''] = text.exitHelp.split('\n\n')
  const exits = exitCodes
    .split('\n')
    .slice(1)
    .reduce(
      (items, line) => {
        const code = /^ {2}(\S+(?: \/ \S+)?)\s{2,}(.*)$/.exec(line)
        if (code) items.push([code[1]!, code[2]!])
        else items[items.length - 1]![1] += ` ${line.trim()}`
        return items
      },
      [] as [string, string][],
    )
    .map(([code, meaning]) => `.TP\n.B ${roff(code)}\n${wrap(meaning)}`)
  const sections = commands.map((c) =>
    [
      `.SS ${roff(c.usage)}`,
      wrap(c.description),
      ...c.options.map(optionItem),
      ...(c.examples.length ? ['.PP', 'Examples:', '.PP', '.RS', '.nf', ...c.examples.map(roff), '.fi', '.RE'] : []),
    ].join('\n'),
  )
  return `${[
    `.TH BERTH 1 ${text.date} "berth ${text.version}" "User Commands"`,
    '.SH NAME',
    'berth \\- hand out free TCP ports: sticky per service, never the same port twice',
    '.SH SYNOPSIS',
    '.B berth',
    '.I command',
    '[\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    wrap('berth allocates TCP ports to services.'),
    wrap('A port is free only when a server could listen on it on every address (IPv4 and IPv6, loopback and wildcard).'),
    wrap('A port handed out is leased, so the same service gets it again next time and no other caller gets it meanwhile.'),
    wrap('The port goes to stdout, logs to stderr.'),
    '.SH COMMANDS',
    ...sections,
    '.SH OPTIONS',
    ...globalOptions.map(optionItem),
    '.SH EXIT STATUS',
    ...exits,
    '.SH ENVIRONMENT',
    wrap(state),
    '.SH SEE ALSO',
    wrap('The README of the berth package describes the library, the project file (berth.config.json) and plugins.'),
  ].join('\n')}\n`
}
