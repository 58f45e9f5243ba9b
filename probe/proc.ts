/** Reading the kernel's small text files (/proc/sys/...). */

interface BunFile {
  text(): Promise<string>
}
const bun = (globalThis as { Bun?: { file(path: string): BunFile } }).Bun

/**
 * A /proc file's text, or '' when it cannot be read (or off Linux). `Bun.file` under Bun, since
 * loading node:fs is a visible part of a cold start in the compiled binary (README, Benchmark,
 * scenarios 4 and 5); node:fs elsewhere.
 */
export async function readProc(path: string): Promise<string> {
  if (globalThis.process?.platform !== 'linux') return ''
  const reading = bun ? bun.file(path).text() : import('node:fs/promises').then((fs) => fs.readFile(path, 'utf8'))
  return reading.catch(() => '')
}
