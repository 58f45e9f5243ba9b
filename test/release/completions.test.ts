/**
 * `berth completion bash|zsh|fish` and the man page, in the real shells and formatters: each
 * script loads and completes a command and an option; the page renders without a warning.
 * .ci/run installs zsh, fish and mandoc; where a tool is missing its test fails, never skips.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { berth, ROOT, runCommand } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'

const temp = tempDirs()
// Each test starts a shell or the binary: room for a machine shared with other work (not a measure).
setDefaultTimeout(60_000)

/** The script the compiled binary prints, saved to a file the shell can source. */
async function script(shell: string): Promise<string> {
  const ran = await berth(['completion', shell])
  expect(ran.stderr).toBe('')
  expect(ran.code).toBe(0)
  const file = join(temp('berth-completion'), `berth.${shell}`)
  writeFileSync(file, ran.stdout)
  return file
}

describe('berth completion', () => {
  test('bash: completes a command, an option and the shell names', async () => {
    const file = await script('bash')
    const complete = (words: string) => `COMP_WORDS=(${words}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _berth; echo "\${COMPREPLY[*]}"`
    const ran = await runCommand([
      'bash',
      '--norc',
      '-c',
      [`source '${file}'`, 'complete -p berth', complete('berth ch'), complete('berth get --ba'), complete('berth completion ""')].join(
        '\n',
      ),
    ])
    expect(ran.stderr).toBe('')
    expect(ran.stdout.split('\n')).toEqual(['complete -F _berth berth', 'check', '--base', 'bash zsh fish', ''])
  })

  test('zsh: registers with compinit and hands zsh the commands and the options', async () => {
    const file = await script('zsh')
    // compinit and compdef are zsh's own; _describe and _arguments, which only run inside a
    // completion widget, are replaced by functions that print what the script gives them.
    const ran = await runCommand([
      'zsh',
      '-f',
      '-c',
      [
        'autoload -U compinit && compinit -u -D',
        `source '${file}'`,
        'print -r -- "registered: $_comps[berth]"',
        '_describe() { print -rl -- ${(P)${@[-1]}} | grep "^ch" }',
        '_arguments() { print -rl -- "$@" | grep -e "^--base" -e "^1:" }',
        'words=(berth ch); CURRENT=2; _berth',
        'words=(berth get --ba); CURRENT=3; _berth',
        'words=(berth completion ""); CURRENT=3; _berth',
      ].join('\n'),
    ])
    expect(ran.stderr).toBe('')
    expect(ran.stdout.split('\n')).toEqual([
      'registered: _berth',
      'check:Tell whether each port is free on every address a server could bind',
      '--base[First port to try and start of the range (default\\: 3000)]:port: ',
      '1:completion:(bash zsh fish)',
      '',
    ])
  })

  test('fish: completes a command, an option and the shell names', async () => {
    const file = await script('fish')
    const ran = await runCommand([
      'fish',
      '--no-config',
      '-c',
      `source '${file}'; complete -C 'berth ch'; complete -C 'berth get --ba'; complete -C 'berth completion '`,
    ])
    expect(ran.stderr).toBe('')
    expect(ran.stdout.split('\n')).toEqual([
      'check\tTell whether each port is free on every address a server could bind',
      '--base\tFirst port to try and start of the range (default: 3000)',
      'bash',
      'fish',
      'zsh',
      '',
    ])
  })

  test('the scripts the package and the archives ship are the ones the binary prints', async () => {
    for (const [shell, name] of [
      ['bash', 'berth.bash'],
      ['zsh', '_berth'],
      ['fish', 'berth.fish'],
    ]) {
      expect(readFileSync(join(ROOT, 'dist', 'completions', name!), 'utf8')).toBe((await berth(['completion', shell!])).stdout)
    }
  })

  test('an unknown shell is a usage error that names it', async () => {
    const ran = await berth(['completion', 'ksh'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toContain('Unknown shell "ksh"')
  })
})

describe('man page', () => {
  const page = join(ROOT, 'dist', 'man', 'berth.1')

  test('mandoc finds nothing to say about it, not even style', async () => {
    const ran = await runCommand(['mandoc', '-T', 'lint', '-W', 'style', page])
    expect(ran.stdout + ran.stderr).toBe('')
    expect(ran.code).toBe(0)
  })

  test('groff renders it without a warning, and it documents every command and option', async () => {
    const ran = await runCommand(['groff', '-man', '-ww', '-Tutf8', page], { MANWIDTH: '200' })
    expect(ran.stderr).toBe('')
    const text = ran.stdout.replace(/.\x08/g, '').replace(/\u2010|\u2212/g, '-')
    for (const word of [
      'get <service>',
      'check [...ports]',
      'completion <shell>',
      '--no-persist',
      '--allow-privileged',
      '130 / 143',
      'BERTH_STATE_DIR',
    ])
      expect(text).toContain(word)
  })
})
