/**
 * One service under the runner: placed on its port (held until the spawn), started, waited for
 * until ready, restarted on the next port when a port conflict killed it, watched by its liveness
 * probe, restarted by its restart policy, and stopped on request.
 */
import { spawnChild, type Child, type Exit } from './child.ts'
import { serviceEnv } from './env.ts'
import { withFrameworkFlags } from './frameworks.ts'
import { DEFAULTS, type RestartPolicy, type ServiceTiming } from './settings.ts'
import { signalNumber } from './settings-from-file.ts'
import type { MovedFrom } from './deps.ts'
import type { Listener } from './supervision.ts'
import type { PortSource, RunnerLine, ServiceOutcome, ServiceSpec } from './types.ts'

const supervision = () => import('./supervision.ts')

export type { Placement, PortSource, RunnerLine, RunnerLog, ServiceOutcome, ServiceSpec } from './types.ts'

/** Why a service that is still running is not ready: someone else has its port, or it listens elsewhere. */
async function notReadyReason(last: Listener | null, port: number, pid: number): Promise<string> {
  if (last?.kind === 'other') return ` (port ${port} is held by another process${last.holder ? `, pid ${last.holder.pid}` : ''})`
  const { procAvailable, portsOfTree } = await supervision()
  const elsewhere = procAvailable() ? await portsOfTree(pid) : []
  return elsewhere.length > 0 ? ` (it listens on ${elsewhere.join(', ')} instead: does it read PORT?)` : ''
}

export const exitCode = (exit: Exit) => exit.code ?? 128 + (signalNumber(exit.signal ?? '') ?? 0)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function runService(spec: ServiceSpec, source: PortSource): Promise<ServiceOutcome> {
  const t: ServiceTiming = { ...DEFAULTS, ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) } as ServiceTiming
  const emit = (level: RunnerLine['level'], message: string) => spec.onLog?.({ level, service: spec.service, message })
  const moves: ServiceOutcome['moves'] = []
  const taken: number[] = []
  let placement = await source.place()
  /** The conflict that moved the service to this port, recorded on its lease with the next start. */
  let movedFrom: MovedFrom | undefined
  let restarts = 0
  let child: Child | undefined
  const stopRequested = () => spec.signal?.aborted === true
  const onAbort = () => void child?.stop(t.stopTimeoutMs, (spec.signal?.reason as NodeJS.Signals) ?? 'SIGTERM')
  spec.signal?.addEventListener('abort', onAbort)
  try {
    for (;;) {
      const { port } = placement
      const env = {
        ...(spec.env ?? process.env),
        ...serviceEnv({
          service: spec.service,
          port,
          host: spec.host,
          siblings: placement.siblings,
          exports: placement.exports,
          envVar: spec.envVar,
          extra: spec.extra,
        }),
      }
      const inode = spec.passFd && placement.hold?.fd != null ? await (await supervision()).inodeOfFd(placement.hold.fd) : null
      child = await spawnChild({
        argv: withFrameworkFlags(spec.argv, port, spec.host),
        env,
        cwd: spec.cwd,
        hold: placement.hold,
        passFd: spec.passFd ? { name: spec.service } : undefined,
        output: spec.output,
      })
      if (stopRequested()) onAbort()
      const { classifyExit, conflictLine, probeKind, untilThreshold, waitReady } = await supervision()
      await source.owned(port, child.pid, movedFrom)
      let ready = spec.ready === false
      if (!ready) {
        const r = await waitReady({
          child,
          port,
          host: spec.host,
          cwd: spec.cwd,
          env,
          timeoutMs: t.readyTimeoutMs,
          pollMs: t.pollMs,
          probe: spec.readinessProbe,
          handedOver: spec.passFd ? { inode, settleMs: t.settleMs } : undefined,
        })
        if (r.state === 'ready') {
          emit('info', `✅ [${spec.service}] Ready on port ${port} after ${r.ms} ms: ${r.how}`)
          ready = true
        } else if (r.state === 'timeout') {
          const why = await notReadyReason(r.last, port, child.pid)
          const failure = `🚨 [${spec.service}] Not ready on port ${port} after ${r.ms} ms${why}: stopping it`
          emit('error', failure)
          const exit = await child.stop(t.stopTimeoutMs)
          return { code: exitCode(exit) || 1, port, ready: false, moves, failure }
        } else {
          if (stopRequested()) return { code: exitCode(r.exit), port, ready: false, moves }
          const verdict = r.exit.error ? { conflict: false as const } : await classifyExit(port, child.pid, child.stderrTail())
          if (!verdict.conflict) {
            const failure = r.exit.error
              ? `🚨 [${spec.service}] Could not start ${spec.argv[0]}: ${r.exit.error.message}`
              : `🚨 [${spec.service}] Exited with ${r.exit.signal ?? `code ${r.exit.code}`} before it was ready on port ${port}`
            emit('error', failure)
            return { code: exitCode(r.exit), port, ready: false, moves, failure }
          }
          taken.push(port)
          if (taken.length > t.conflictRetries) {
            const failure = `🚨 [${spec.service}] Port conflict on ${taken.join(', ')}: gave up after ${t.conflictRetries} restarts (the holders were left alone)`
            emit('error', failure)
            return { code: exitCode(r.exit), port, ready: false, moves, failure }
          }
          await sleep(t.backoffMs * t.backoffFactor ** (taken.length - 1))
          placement = await source.next(taken)
          moves.push({ from: port, to: placement.port, holder: verdict.holder })
          movedFrom = { port, holderPid: verdict.holder?.pid ?? null, holderCommand: verdict.holder?.command ?? null, at: Date.now() }
          emit('warn', conflictLine(spec.service, port, verdict.holder, placement.port))
          await source.count('conflict_restarts')
          continue
        }
      }
      spec.onReady?.(port)
      // Supervision: the child's exit, or its liveness probe failing past the threshold.
      const watch = new AbortController()
      const liveness = spec.livenessProbe
        ? untilThreshold(spec.livenessProbe, { port, host: spec.host, cwd: spec.cwd, env }, 'failure', watch.signal)
        : new Promise<null>(() => {})
      const ended = await Promise.race([child.exited.then((exit) => ({ exit })), liveness.then((healthy) => ({ healthy }))])
      watch.abort()
      let exit: Exit
      if ('healthy' in ended && ended.healthy === false && !stopRequested()) {
        emit(
          'warn',
          `⚠️  [${spec.service}] Liveness probe (${probeKind(spec.livenessProbe!)}) failed ${spec.livenessProbe!.failure_threshold ?? 3} times: restarting`,
        )
        // The failed checks in a row that ended it.
        await source.count('health_check_failures', spec.livenessProbe!.failure_threshold ?? 3)
        exit = await child.stop(t.stopTimeoutMs)
        if (!mayRestart(spec.restart, exit, restarts, true))
          return { code: exitCode(exit) || 1, port, ready, moves, failure: `🚨 [${spec.service}] Liveness probe failed` }
      } else {
        exit = await child.exited
        if (stopRequested() || !mayRestart(spec.restart, exit, restarts, false)) {
          const failure =
            stopRequested() || exitCode(exit) === 0 ? undefined : `🚨 [${spec.service}] Exited with ${exit.signal ?? `code ${exit.code}`}`
          return { code: exitCode(exit), port, ready, moves, failure }
        }
        emit('warn', `⚠️  [${spec.service}] Exited with ${exit.signal ?? `code ${exit.code}`}: restarting (${spec.restart?.policy ?? 'no'})`)
        // What it started in its group may still hold the port: gone first, so the restart finds the port free.
        await child.stop(t.stopTimeoutMs)
      }
      restarts++
      await sleep((spec.restart?.backoff_seconds ?? 1) * 1000)
      if (stopRequested()) return { code: exitCode(exit), port, ready, moves }
      placement = await source.again(port)
    }
  } finally {
    spec.signal?.removeEventListener('abort', onAbort)
  }
}

/** The restart policy's answer: `always`, or `on_failure` after a failure, within `max_restarts` (0: unlimited). */
function mayRestart(policy: RestartPolicy | undefined, exit: Exit, restarts: number, unhealthy: boolean): boolean {
  if (!policy || policy.policy === 'no') return false
  if (policy.max_restarts && restarts >= policy.max_restarts) return false
  return policy.policy === 'always' || unhealthy || exitCode(exit) !== 0
}
