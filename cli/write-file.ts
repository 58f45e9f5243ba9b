/** `--write FILE`: the target is checked before anything is allocated, and written whole or not at all. */
import { usageError } from './args.ts'

const REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a folder',
  EACCES: 'cannot be written by this user (permission denied)',
  EPERM: 'cannot be written by this user (operation not permitted)',
  EROFS: 'is on a read-only file system',
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code ?? ''

/** A usage error naming the file, its folder and what is wrong with it; anything unforeseen stays internal. */
function writeError(file: string, folder: string, error: unknown): unknown {
  const reason = REASONS[codeOf(error)]
  if (!reason) return error
  return usageError(`--write ${file}: the folder ${folder} ${reason}; create it, or write the exports elsewhere`)
}

/**
 * Checked before `up` allocates: the folder exists, is a folder and takes new files (the write goes
 * through a temporary file beside the target), and the target is not itself a folder.
 */
export async function checkWriteTarget(file: string, cwd: string): Promise<void> {
  const { access, constants, stat } = await import('node:fs/promises')
  const { dirname, resolve } = await import('node:path')
  const folder = dirname(resolve(cwd, file))
  try {
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' })
    await access(folder, constants.W_OK | constants.X_OK)
  } catch (error) {
    throw writeError(file, folder, error)
  }
  const target = await stat(resolve(cwd, file)).catch(() => null)
  if (target?.isDirectory()) throw usageError(`--write ${file} is a folder: name a file, such as ${file.replace(/\/*$/, '')}/.env.ports`)
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. `file` is named as the user typed it, relative to `cwd`. */
export async function writeAtomically(file: string, text: string, cwd: string): Promise<void> {
  const { rename, rm, writeFile } = await import('node:fs/promises')
  const { dirname, resolve } = await import('node:path')
  const path = resolve(cwd, file)
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    await writeFile(temp, text, { flag: 'wx', mode: 0o644 })
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {})
    throw writeError(file, dirname(path), error)
  }
}
