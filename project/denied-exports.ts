/**
 * Variable names berth never exports. `eval "$(berth up --format shell)"` runs in the user's
 * shell, and a project file may come from anyone's checkout: these names change how a shell, the
 * process loader or an interpreter runs (or what berth itself trusts), so exporting one would let
 * a config run code. Compared without regard to case (Windows reads `Path` as `PATH`).
 */
const EXACT = new Set([
  // shells
  'BASH_ENV',
  'ENV',
  'PROMPT_COMMAND',
  'PS0',
  'PS1',
  'PS2',
  'PS3',
  'PS4',
  'IFS',
  'SHELLOPTS',
  'BASHOPTS',
  'CDPATH',
  'GLOBIGNORE',
  'FPATH',
  'ZDOTDIR',
  'SHELL',
  'HOME',
  'PATH',
  'HISTFILE',
  // interpreters and runtimes
  'NODE_OPTIONS',
  'NODE_PATH',
  'BUN_OPTIONS',
  'DENO_DIR',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'PERL5LIB',
  'PERL5OPT',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  // libc and tools that run a command named by a variable
  'GCONV_PATH',
  'HOSTALIASES',
  'LOCPATH',
  'NLSPATH',
  'LESSOPEN',
  'LESSCLOSE',
  'PAGER',
  'MANPAGER',
  'EDITOR',
  'VISUAL',
  'BROWSER',
  'SSH_ASKPASS',
  'SUDO_ASKPASS',
  'TMPDIR',
])

/** Whole families: the dynamic loaders', git's, exported bash functions, and berth's own settings. */
const PREFIXES = ['LD_', 'DYLD_', 'GIT_', 'BASH_FUNC_', 'BERTH_']

/** True when `name` is on the deny-list. */
export function isDeniedExport(name: string): boolean {
  const upper = name.toUpperCase()
  return EXACT.has(upper) || PREFIXES.some((prefix) => upper.startsWith(prefix))
}

export const DENIED_EXPORT_MESSAGE =
  'changes how a shell, the process loader or an interpreter runs, so berth never exports it (README, "Security and failure modes")'
