/**
 * Health probes with process-compose's keys and defaults (Kubernetes' semantics), so a pasted
 * process-compose probe works: `http_get`, `exec`, or `tcp_socket` (Kubernetes' name), each
 * check bounded by `timeout_seconds`; `port` defaults to the service's leased port.
 */

export interface HttpGetProbe {
  host?: string
  scheme?: 'http' | 'https'
  path?: string
  port?: number
  headers?: Record<string, string>
  /** The status that means healthy. @default 200 */
  status_code?: number
}

export interface ProbeSpec {
  http_get?: HttpGetProbe
  exec?: { command: string | string[]; working_dir?: string }
  tcp_socket?: { host?: string; port?: number }
  initial_delay_seconds?: number
  period_seconds?: number
  timeout_seconds?: number
  success_threshold?: number
  failure_threshold?: number
}

export const PROBE_DEFAULTS = {
  initial_delay_seconds: 0,
  period_seconds: 10,
  timeout_seconds: 1,
  success_threshold: 1,
  failure_threshold: 3,
} as const

export interface CheckContext {
  port: number
  /** The service's host, when it binds one address. */
  host?: string
  cwd?: string
  env?: Record<string, string | undefined>
}

const hostFor = (given: string | undefined, ctx: CheckContext) =>
  given ?? (ctx.host && ctx.host !== '::' && ctx.host !== '0.0.0.0' ? ctx.host : '127.0.0.1')

async function httpGet(spec: HttpGetProbe, ctx: CheckContext, timeoutMs: number): Promise<boolean> {
  const host = hostFor(spec.host, ctx)
  const url = `${spec.scheme ?? 'http'}://${host.includes(':') ? `[${host}]` : host}:${spec.port ?? ctx.port}${spec.path ?? '/'}`
  try {
    const response = await fetch(url, { headers: spec.headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' })
    await response.body?.cancel()
    return response.status === (spec.status_code ?? 200)
  } catch {
    return false
  }
}

async function tcpSocket(spec: { host?: string; port?: number }, ctx: CheckContext, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:net')
  return new Promise((resolve) => {
    const socket = connect({ host: hostFor(spec.host, ctx), port: spec.port ?? ctx.port })
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

async function execCommand(
  spec: { command: string | string[]; working_dir?: string },
  ctx: CheckContext,
  timeoutMs: number,
): Promise<boolean> {
  const { spawn } = await import('node:child_process')
  const argv = typeof spec.command === 'string' ? ['/bin/sh', '-c', spec.command] : spec.command
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: spec.working_dir ?? ctx.cwd,
      env: { ...process.env, ...ctx.env },
      stdio: 'ignore',
      detached: true,
    })
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // Ended already.
      }
    }, timeoutMs)
    child.once('error', () => {
      clearTimeout(timer)
      resolve(false)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code === 0)
    })
  })
}

/** One check of the probe: true when healthy. */
export function checkOnce(spec: ProbeSpec, ctx: CheckContext): Promise<boolean> {
  const timeoutMs = (spec.timeout_seconds ?? PROBE_DEFAULTS.timeout_seconds) * 1000
  if (spec.http_get) return httpGet(spec.http_get, ctx, timeoutMs)
  if (spec.tcp_socket) return tcpSocket(spec.tcp_socket, ctx, timeoutMs)
  if (spec.exec) return execCommand(spec.exec, ctx, timeoutMs)
  return Promise.resolve(true)
}

/** What kind of probe it is, for messages. */
export const probeKind = (spec: ProbeSpec) => (spec.http_get ? 'http_get' : spec.tcp_socket ? 'tcp_socket' : spec.exec ? 'exec' : 'none')

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

/**
 * Runs the probe every period after the initial delay until `success_threshold` checks in a row
 * pass (readiness: resolves true), or until `failure_threshold` checks in a row fail (liveness:
 * resolves false); null when `signal` aborts first. A failing readiness check only delays readiness.
 */
export async function untilThreshold(
  spec: ProbeSpec,
  ctx: CheckContext,
  want: 'success' | 'failure',
  signal: AbortSignal,
): Promise<boolean | null> {
  const period = (spec.period_seconds ?? PROBE_DEFAULTS.period_seconds) * 1000
  const successes = spec.success_threshold ?? PROBE_DEFAULTS.success_threshold
  const failures = spec.failure_threshold ?? PROBE_DEFAULTS.failure_threshold
  await sleep((spec.initial_delay_seconds ?? PROBE_DEFAULTS.initial_delay_seconds) * 1000, signal)
  let passed = 0
  let failed = 0
  while (!signal.aborted) {
    const ok = await checkOnce(spec, ctx)
    if (signal.aborted) break
    passed = ok ? passed + 1 : 0
    failed = ok ? 0 : failed + 1
    if (want === 'success' && passed >= successes) return true
    if (want === 'failure' && failed >= failures) return false
    await sleep(period, signal)
  }
  return null
}
