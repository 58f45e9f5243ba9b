/**
 * portfinder's unix-socket helpers, as its source has them: the first `<basePath>N.sock` that
 * does not exist yet (its folder made with `mod`, 0755 when falsy), and the name after a name.
 * `basePath` and `nextSocket` are read from the portfinder object on every call, so assigning works.
 */
import { mkdir, stat } from 'node:fs'
import { basename, dirname, join } from 'node:path'

type Callback<T> = (err: Error | null, value?: T) => void
interface Settings {
  basePath: string
  nextSocket(socketPath: string): string
}

/** portfinder's: `app.sock` → `app1.sock` → `app2.sock`; a name that is not letters then digits throws, as there. */
export function nextSocket(socketPath: string): string {
  const match = basename(socketPath, '.sock').match(/^([a-zA-z]+)(\d*)$/i)!
  const index = parseInt(match[2]!)
  return join(dirname(socketPath), `${match[1]}${(Number.isNaN(index) ? 0 : index) + 1}.sock`)
}

/** portfinder's `internals.getSocket`, writing `mod`, `path` and `exists` back to the options as it does. */
export function findSocket(options: Record<string, unknown>, settings: Settings, callback: Callback<string>): void {
  options.mod = options.mod || 0o755
  options.path = options.path || `${settings.basePath}.sock`
  const test = () =>
    stat(options.path as string, (error) => {
      if (error) return error.code === 'ENOENT' ? callback(null, options.path as string) : callback(error)
      options.path = settings.nextSocket(options.path as string)
      findSocket(options, settings, callback)
    })
  if (options.exists) {
    test()
    return
  }
  const dir = dirname(options.path as string)
  stat(dir, (error, stats) => {
    if (!error && stats.isDirectory()) {
      options.exists = true
      test()
      return
    }
    mkdir(dir, { mode: options.mod as number, recursive: true }, (failed) => {
      if (failed) return callback(failed)
      options.exists = true
      test()
    })
  })
}
