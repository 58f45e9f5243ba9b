/**
 * `run`: every service of the project file that has a `command`, started in dependency order, each
 * as `exec` starts one; a dependent waits until what it depends on is ready (or started). Stopping
 * (the signal, or a service that failed for good) stops everything in reverse order.
 */
import { PortError, type ServiceConfig } from './deps.ts'
import { loadProject, pickEnvironment } from './deps-project.ts'
import { createPrefixer, type WriteLine } from './prefix.ts'
import { createPorts, type PortsOptions } from './ports.ts'
import { runService, type Placement, type RunnerLog, type ServiceOutcome } from './service.ts'
import type { ServiceTiming } from './settings.ts'
import { serviceSettings, signalName, signalNumber } from './settings-from-file.ts'

export interface RunOptions extends PortsOptions, Partial<ServiceTiming> {
  /** Only these services (and what they depend on). @default every service with a command */
  services?: readonly string[]
  environment?: string
  /** The project file (default: berth.config.ts/.json at the project root). */
  config?: string
  /** Where the services' output goes, each line prefixed with the service's name. @default this process's stdout and stderr */
  write?: WriteLine
  /** The names in colour. @default false */
  color?: boolean
  onLog?: RunnerLog
  /** Aborting stops every service, in reverse order (reason: the signal to forward). */
  signal?: AbortSignal
  /** Called once every service is ready. */
  onAllReady?: (ports: Record<string, number>) => void
}

export interface RunResult {
  code: number
  services: Record<string, ServiceOutcome>
  /** The order the services were started in. */
  order: string[]
  failure?: string
}

type Dependencies = Record<string, 'ready' | 'started'>
const dependenciesOf = (s: ServiceConfig): Dependencies =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((n) => [n, 'started']))
    : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([n, d]) => [n, d.condition]))

/** A command line without shell syntax runs as argv (so framework flags can be added); anything else through sh -c. */
export const commandArgv = (command: string | string[]): string[] =>
  Array.isArray(command)
    ? command
    : /^[\w./@=:,+-]+( +[\w./@=:,+-]+)*$/.test(command.trim())
      ? command.trim().split(/ +/)
      : ['/bin/sh', '-c', command]

/** The services to start, dependencies first; errors name the file and the service. */
function startOrder(services: Record<string, ServiceConfig>, wanted: readonly string[], file: string): string[] {
  const order: string[] = []
  const visiting = new Set<string>()
  const visit = (name: string, from?: string) => {
    const service = Object.hasOwn(services, name) ? services[name] : undefined
    if (!service)
      throw new PortError(
        'E_INVALID_OPTIONS',
        `${file}: ${from ? `${from}.depends_on names` : 'berth run was asked for'} ${JSON.stringify(name)}, which is not a service`,
      )
    if (!service.command)
      throw new PortError('E_INVALID_OPTIONS', `${file}: ${name} has no "command"${from ? `, but ${from} depends on it` : ''}`)
    if ((service.instances ?? 1) > 1)
      throw new PortError('E_INVALID_OPTIONS', `${file}: ${name} has "instances" and a "command": berth run starts one process per service`)
    if (order.includes(name)) return
    if (visiting.has(name)) throw new PortError('E_INVALID_OPTIONS', `${file}: depends_on forms a cycle through ${name}`)
    visiting.add(name)
    for (const dependency of Object.keys(dependenciesOf(service))) visit(dependency, name)
    visiting.delete(name)
    order.push(name)
  }
  for (const name of wanted) visit(name)
  return order
}

const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

export async function run(options: RunOptions = {}): Promise<RunResult> {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const loaded = await loadProject(cwd, { file: options.config, env })
  if (!loaded)
    throw new PortError(
      'E_INVALID_OPTIONS',
      `berth run needs a berth.config.json (or .ts) with services that have a "command"; none was found from ${cwd} up`,
    )
  const environment = pickEnvironment(options.environment, env.NODE_ENV, Object.keys(loaded.config.environments))
  const services = loaded.config.environments[environment]?.services
  if (!services) throw new PortError('E_INVALID_OPTIONS', `${loaded.file} has no environment ${JSON.stringify(environment)}`)
  const order = startOrder(services, options.services ?? Object.keys(services).filter((n) => services[n]!.command), loaded.file)
  if (order.length === 0) throw new PortError('E_INVALID_OPTIONS', `${loaded.file}: no service of ${environment} has a "command"`)
  const ports = await createPorts({ ...options, env, cwd, project: options.project ?? loaded.root })
  const outputFor = createPrefixer(order, options.color ?? false, options.write ?? ((stream, text) => void process[stream].write(text)))
  const outcomes: Record<string, ServiceOutcome> = {}
  const started: string[] = []
  let placed = new Map<string, Placement>()
  try {
    placed = await ports.placeProject(loaded, environment)
    const stops = new Map<string, AbortController>()
    const ready = new Map(order.map((name) => [name, deferred()]))
    const spawned = new Map(order.map((name) => [name, deferred()]))
    const stopping = new AbortController()
    let failure: string | undefined
    /** The exit code of the service that failed for good: berth's own then. */
    let failedCode = 0
    const stopAll = async (reason: string) => {
      if (stopping.signal.aborted) return
      stopping.abort(reason)
      // Reverse order of start: dependents go before what they depend on.
      for (const name of [...started].reverse()) {
        const own = services[name]!.shutdown?.signal
        stops.get(name)!.abort(own !== undefined ? signalName(own) : reason === 'failure' ? 'SIGTERM' : reason)
        await running.get(name)
      }
    }
    const running = new Map<string, Promise<ServiceOutcome>>()
    options.signal?.addEventListener('abort', () => void stopAll(String(options.signal!.reason ?? 'SIGTERM')), { once: true })
    const readyPorts: Record<string, number> = {}
    for (const name of order) {
      const service = services[name]!
      const waits = Object.entries(dependenciesOf(service)).map(
        ([dep, condition]) => (condition === 'ready' ? ready : spawned).get(dep)!.promise,
      )
      const go = await Promise.race([
        Promise.all(waits).then(() => true),
        stopping.signal.aborted
          ? Promise.resolve(false)
          : new Promise<boolean>((r) => stopping.signal.addEventListener('abort', () => r(false), { once: true })),
      ])
      if (!go) break
      const stop = new AbortController()
      stops.set(name, stop)
      started.push(name)
      const placement = placed.get(name)!
      placed.delete(name)
      const promise = runService(
        {
          ...options,
          service: name,
          argv: commandArgv(service.command!),
          cwd: service.cwd === undefined ? loaded.root : (await import('node:path')).resolve(loaded.root, service.cwd),
          env,
          host: service.host,
          stopTimeoutMs: options.stopTimeoutMs,
          ...serviceSettings(service),
          output: outputFor(name),
          onLog: options.onLog,
          signal: stop.signal,
          onReady: (port) => {
            readyPorts[name] = port
            ready.get(name)!.resolve()
            if (Object.keys(readyPorts).length === order.length) options.onAllReady?.({ ...readyPorts })
          },
        },
        ports.sourceFor(name, { basePort: service.base ?? placement.port, maxPort: service.max, host: service.host }, placement),
      ).then((outcome) => {
        outcomes[name] = outcome
        if (!stopping.signal.aborted && outcome.failure) {
          failedCode = outcome.code || 1
          failure = `🚨 [${name}] cannot recover; stopping the other services`
          options.onLog?.({ level: 'error', service: name, message: failure })
          void stopAll('failure')
        }
        return outcome
      })
      running.set(name, promise)
      spawned.get(name)!.resolve()
    }
    await Promise.all(running.values())
    const codes = Object.values(outcomes).map((o) => o.code)
    const interrupted = options.signal?.aborted ? 128 + (signalNumber(String(options.signal.reason)) ?? 15) : 0
    return { code: failure ? failedCode : interrupted || Math.max(0, ...codes), services: outcomes, order: started, failure }
  } finally {
    for (const placement of placed.values()) placement.hold?.release()
    await ports.close()
  }
}
