/**
 * `berth-ports/vite`: Vite's ports from berth's leases. `server.port` (or `preview.port`) from `PORT`
 * when `berth exec`/`berth run` started Vite, else from the service's own lease; `strictPort`
 * on, since a silent drift to the next port leaves the lease and every proxy target wrong; the
 * HMR websocket's port (`server.ws.port`) in middleware mode from the `vite-hmr` lease; `/api`'s proxy target from
 * `API_TARGET` or the api service's lease. A port the user gave (config or `--port`) is kept.
 * `vite build` allocates nothing.
 */
import type { Plugin, UserConfig } from 'vite'
import type { Logger } from '../core/types.ts'
import { parsePortText } from '../core/validate.ts'
import { driftWatcher } from './drift.ts'
import { leasedPortOf, leasePort, type LeaseContext } from './leases.ts'

export interface BerthViteOptions {
  /** The service whose lease is Vite's port. @default 'web-server' */
  service?: string
  /**
   * The service whose lease is the HMR websocket's port, set in middleware mode (where Vite
   * would take 24678 unasked) or always with `{ service, always: true }`; `false`: never.
   * @default 'vite-hmr'
   */
  hmr?: string | false | { service?: string; always?: boolean }
  /** Proxy path → the service it goes to. `/api` first takes `API_TARGET`. @default { '/api': 'api-server' } */
  proxy?: Record<string, string> | false
  /** The project file's environment. @default NODE_ENV when the file has it, else development */
  environment?: string
  /** The lease registry's folder. @default as for `berth get` */
  stateDir?: string
  /** The environment read for PORT, VITE_HMR_PORT, API_TARGET and berth's settings. @default process.env */
  env?: Record<string, string | undefined>
  /** Receives the spec's allocation lines and the drift warning; `null` silences them. @default console */
  logger?: Logger | null
}

/** The value of a port variable, or undefined when it is unset or not a port. */
function envPort(env: Record<string, string | undefined>, name: string): number | undefined {
  const text = env[name]
  if (text === undefined || text.trim() === '') return undefined
  return parsePortText(text) ?? undefined
}

const variableOf = (service: string) => `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`

function hmrSetting(option: BerthViteOptions['hmr']): { service: string; always: boolean } | null {
  if (option === false) return null
  if (typeof option === 'object') return { service: option.service ?? 'vite-hmr', always: option.always ?? false }
  return { service: option ?? 'vite-hmr', always: false }
}

async function proxyTarget(path: string, service: string, ctx: LeaseContext): Promise<string | null> {
  if (path === '/api' && ctx.env.API_TARGET) return ctx.env.API_TARGET
  const port = envPort(ctx.env, variableOf(service)) ?? (await leasedPortOf(service, ctx))
  return port === null ? null : `http://localhost:${port}`
}

export default function berth(options: BerthViteOptions = {}): Plugin {
  const service = options.service ?? 'web-server'
  const hmr = hmrSetting(options.hmr)
  const proxy = options.proxy === false ? {} : (options.proxy ?? { '/api': 'api-server' })
  let ctx: LeaseContext | undefined
  /** The port this plugin chose (not one the user gave): the one drift is checked against. */
  let chosen: number | undefined
  const drift = driftWatcher()

  return {
    name: 'berth',
    async config(user, { command, isPreview }) {
      if (command === 'build' && !isPreview) return
      const { resolve } = await import('node:path')
      const env = options.env ?? process.env
      const logger = options.logger === undefined ? globalThis.console : options.logger
      ctx = { root: resolve(user.root ?? process.cwd()), env, environment: options.environment, stateDir: options.stateDir, logger }
      const own = isPreview ? user.preview : user.server
      const side: NonNullable<UserConfig['server']> & NonNullable<UserConfig['preview']> = {}
      if (own?.port === undefined) {
        chosen = envPort(env, 'PORT') ?? (await leasePort(service, ctx))
        side.port = chosen
      }
      if (own?.strictPort === undefined) side.strictPort = true
      // Vite 8 takes the websocket's port from `server.ws` (`server.hmr.port` is its deprecated name): either one from the user is kept.
      const ws = user.server?.ws
      const given = (ws ? ws.port : undefined) ?? (typeof user.server?.hmr === 'object' ? user.server.hmr.port : undefined)
      if (
        !isPreview &&
        hmr &&
        ws !== false &&
        user.server?.hmr !== false &&
        given === undefined &&
        (user.server?.middlewareMode || hmr.always)
      ) {
        side.ws = { ...ws, port: envPort(env, 'VITE_HMR_PORT') ?? (await leasePort(hmr.service, ctx)) }
      }
      // `vite preview` takes `preview.proxy`, else `server.proxy`: the user's entries stay either way.
      const kept = (isPreview ? (user.preview?.proxy ?? user.server?.proxy) : user.server?.proxy) ?? {}
      const proxies: Record<string, { target: string; changeOrigin: boolean }> = {}
      for (const [path, target] of Object.entries(proxy)) {
        if (kept[path] !== undefined) continue
        const url = await proxyTarget(path, target, ctx)
        if (url) proxies[path] = { target: url, changeOrigin: true }
        else
          logger?.warn(
            `⚠️  [${service}] No port for ${target} (no ${path === '/api' ? 'API_TARGET, no ' : ''}${variableOf(target)}, no lease): ${path} is not proxied; start ${target} first`,
          )
      }
      if (Object.keys(proxies).length > 0) side.proxy = isPreview ? { ...kept, ...proxies } : proxies
      return isPreview ? { preview: side } : { server: side }
    },
    configureServer(server) {
      if (chosen !== undefined && ctx && server.httpServer) drift.watch(server.httpServer, service, chosen, ctx)
    },
    configurePreviewServer(server) {
      if (chosen !== undefined && ctx) drift.watch(server.httpServer, service, chosen, ctx)
    },
    /** For tests and other plugins: `settled()` resolves with the port Vite listens on once any drift was handled. */
    api: { settled: () => drift.settled },
  }
}

export { berth }
