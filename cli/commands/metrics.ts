/**
 * `berth metrics`: the registry's counters in Prometheus text format 0.0.4 (or JSON); `--textfile
 * DIR` writes DIR/berth.prom atomically for node_exporter's textfile collector; `--serve` answers
 * scrapes on a port leased to the service `berth-metrics`.
 */
import { collect, CONTENT_TYPE, renderJson, renderText, type FamilySamples } from '../../registry/metrics-text.ts'
import { portArg, textArg, usageError } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import type { Io } from '../io.ts'
import { withRegistry } from './leases.ts'

export interface MetricsCliOptions {
  json?: boolean
  textfile?: unknown
  serve?: boolean
  base?: unknown
  host?: unknown
}

const read = (io: Io): Promise<FamilySamples[]> => withRegistry(io, (registry) => collect(registry.samples(), registry.list()))

async function writeTextfile(dir: string, text: string): Promise<string> {
  const { stat } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const isFolder = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  )
  if (!isFolder) throw usageError(`--textfile ${dir} is not a folder: name the folder node_exporter's --collector.textfile.directory reads`)
  const { writeAtomically } = await import('../write-file.ts')
  const file = join(dir, 'berth.prom')
  await writeAtomically(file, text)
  return file
}

/** Serves /metrics until SIGINT or SIGTERM; prints the port on stdout and the address on stderr. */
async function serve(io: Io, options: MetricsCliOptions): Promise<number> {
  const host = textArg('--host', options.host) ?? '127.0.0.1'
  const basePort = options.base === undefined ? 9464 : portArg('--base', options.base)
  const [{ createAllocator }, { persist }, http] = await Promise.all([
    import('../../spec/allocator.ts'),
    import('../../plugins/persist.ts'),
    import('node:http'),
  ])
  const allocator = createAllocator({ env: io.env, plugins: [persist({ ownerPid: process.pid })] })
  const { port } = await allocator.allocate({ serviceName: 'berth-metrics', basePort, host })
  await allocator.dispose()
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('Not found: scrape /metrics\n')
      return
    }
    read(io).then(
      (families) => response.writeHead(200, { 'Content-Type': CONTENT_TYPE }).end(renderText(families)),
      (error: unknown) => response.writeHead(500).end(`${error instanceof Error ? error.message : String(error)}\n`),
    )
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()))
  io.stdout(`${port}\n`)
  io.stderr(`Serving metrics on http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics (Ctrl-C stops)\n`)
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  await new Promise((resolve) => server.close(resolve))
  return signal === 'SIGINT' ? EXIT.interrupted : 143
}

export async function metricsCommand(options: MetricsCliOptions, io: Io): Promise<number> {
  const textfile = textArg('--textfile', options.textfile)
  if (options.serve && (textfile || options.json)) throw usageError('--serve cannot be combined with --textfile or --json')
  if (options.serve) return serve(io, options)
  const families = await read(io)
  if (textfile !== undefined) {
    io.stderr(`Wrote ${await writeTextfile(textfile, renderText(families))}\n`)
    return EXIT.ok
  }
  io.stdout(options.json ? renderJson(families) : renderText(families))
  return EXIT.ok
}
