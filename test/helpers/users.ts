/** Running a command as another real user (tests run as root; setpriv drops privileges). */
export const NOBODY = 65534
export const isRoot = globalThis.process?.getuid?.() === 0

/** `cmd` as `uid`:`gid`, with exactly the supplementary `groups` given (none by default). */
export function asUser(uid: number, gid: number, cmd: string[], groups: number[] = []): string[] {
  const supplementary = groups.length === 0 ? ['--clear-groups'] : [`--groups=${groups.join(',')}`]
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, ...supplementary, ...cmd]
}

export const asNobody = (cmd: string[]) => asUser(NOBODY, NOBODY, cmd)
