/**
 * `berth run [SERVICE…]`: the runner's `run`; each line of output prefixed with the service's name
 * in its colour. Ctrl-C stops every service in reverse order; berth exits with 128 + the signal.
 */
import { textArg } from '../args.ts'
import { colorEnabled, type Io } from '../io.ts'
import { stderrEvents } from '../logger.ts'
import { exclusionOverrides, pluginFiles, type PolicyFlags } from '../policy.ts'
import { projectEnv, type ProjectFlag } from '../project.ts'
import { registerSelfImports } from '../self-imports.ts'
import { forwardingSignals, lineWriter, msArg } from './exec.ts'
import { verbosityOf } from './get.ts'

export interface RunFlags extends PolicyFlags, ProjectFlag {
  config?: unknown
  environment?: unknown
  readyTimeout?: unknown
  stopTimeout?: unknown
  persist?: boolean
  /** `--check`: stop everything once all are ready, and exit 0 (a smoke test). */
  check?: boolean
  quiet?: boolean
  verbose?: boolean
}

export async function runCommand(services: string[], flags: RunFlags, io: Io): Promise<number> {
  const readyTimeoutMs = flags.readyTimeout === undefined ? undefined : msArg('--ready-timeout', flags.readyTimeout)
  const stopTimeoutMs = flags.stopTimeout === undefined ? undefined : msArg('--stop-timeout', flags.stopTimeout)
  const env = projectEnv(flags, io.env)
  const plugins = await pluginFiles(flags, env)
  registerSelfImports()
  const [{ run }, tty] = await Promise.all([import('../../runner/run.ts'), import('node:tty')])
  const color = colorEnabled(tty.isatty(1), env)
  const controller = new AbortController()
  let allReady = false
  const result = await forwardingSignals(
    (signal) => controller.abort(signal),
    () =>
      run({
        services: services.length > 0 ? services : undefined,
        env,
        plugins,
        policy: exclusionOverrides(flags),
        persist: flags.persist,
        config: textArg('--config', flags.config),
        environment: textArg('--environment', flags.environment),
        readyTimeoutMs,
        stopTimeoutMs,
        onEvent: stderrEvents(io, verbosityOf(flags)),
        onLog: lineWriter(io),
        signal: controller.signal,
        onAllReady: () => {
          allReady = true
          if (flags.check) controller.abort('SIGTERM')
        },
        color,
        write: (stream, text) => (stream === 'stdout' ? void process.stdout.write(text) : io.stderr(text)),
      }),
  )
  if (result.failure) io.stderr(`${result.failure}\n`)
  if (flags.check && allReady && !result.failure) {
    io.stderr(`✅ Every service was ready: ${result.order.join(', ')}; stopped them again (--check)\n`)
    return 0
  }
  return result.code
}
