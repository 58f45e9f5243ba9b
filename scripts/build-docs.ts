/**
 * Writes the man page (dist/man/berth.1) and the completion scripts (dist/completions/) from the
 * CLI's own command table. The npm package and the release archives ship these files; the binary
 * prints the same scripts with `berth completion <shell>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../package.json' with { type: 'json' }
import { completionScript, SHELLS } from '../cli/completion.ts'
import { processIo } from '../cli/io.ts'
import { manPage } from '../cli/man-page.ts'
import { EXIT_HELP } from '../cli/exit-help.ts'
import { commandTable } from '../cli/run.ts'

const DIST = join(import.meta.dir, '..', 'dist')
// Where each shell looks for a completion file by name.
const FILES = { bash: 'berth.bash', zsh: '_berth', fish: 'berth.fish' } as const

/** The last commit's date, so the same source always writes the same page (SOURCE_DATE_EPOCH wins). */
function pageDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH)
  if (Number.isInteger(epoch) && epoch > 0) return new Date(epoch * 1000).toISOString().slice(0, 10)
  const git = Bun.spawnSync(['git', 'log', '-1', '--format=%cs'], { cwd: join(DIST, '..') })
  const date = git.exitCode === 0 ? git.stdout.toString().trim() : ''
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : new Date().toISOString().slice(0, 10)
}

const table = commandTable(processIo())
mkdirSync(join(DIST, 'man'), { recursive: true })
writeFileSync(join(DIST, 'man', 'berth.1'), manPage(table, { version: pkg.version, date: pageDate(), exitHelp: EXIT_HELP }))
mkdirSync(join(DIST, 'completions'), { recursive: true })
for (const shell of SHELLS) writeFileSync(join(DIST, 'completions', FILES[shell]), completionScript(shell, table))
