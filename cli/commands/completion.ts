import { usageError } from '../args.ts'
import { completionScript, SHELLS, type CommandTable, type Shell } from '../completion.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'

/** `berth completion bash|zsh|fish`: prints the completion script for that shell on stdout. */
export function completionCommand(shell: string | undefined, table: () => CommandTable, io: Io): number {
  if (shell === undefined) throw usageError(`completion needs a shell: ${SHELLS.join(', ')}`)
  if (!SHELLS.includes(shell as Shell))
    throw usageError(`Unknown shell ${JSON.stringify(shell)}: berth writes completions for ${SHELLS.join(', ')}`)
  io.stdout(completionScript(shell as Shell, table()))
  return EXIT.ok
}
