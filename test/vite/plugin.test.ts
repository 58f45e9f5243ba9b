/**
 * berth-ports/vite against the real Vite (the devDependency, the peer's current major), in this
 * process: real servers on real ports, a real lease registry per test, real files.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, createServer, preview, type Plugin, type PreviewServer, type ViteDevServer } from 'vite'
import berth, { type BerthViteOptions } from '../../vite/index.ts'
import { leasedPortOf, leasePort } from '../../vite/leases.ts'
import { freeRange } from '../helpers/sockets.ts'
import { berth as runBerth, freshStateDir } from '../helpers/binary.ts'
import { tempDirs } from '../helpers/temp.ts'
import { hold, type Held } from '../helpers/sockets.ts'

const temp = tempDirs()
const open: Array<ViteDevServer | PreviewServer | Held> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

interface Project {
  root: string
  stateDir: string
  web: number
  api: number
  hmr: number
}

/** A project folder with an index.html and a berth.config.json whose ranges are free right now. */
async function project(): Promise<Project> {
  const root = temp('berth-vite')
  const [web, api, hmr] = [await freeRange(10), await freeRange(10), await freeRange(10)]
  const services = {
    'web-server': { base: web, max: web + 9, env: 'PORT' },
    'api-server': { base: api, max: api + 9, env: 'API_PORT' },
    'vite-hmr': { base: hmr, max: hmr + 9, env: 'VITE_HMR_PORT' },
  }
  writeFileSync(join(root, 'berth.config.json'), JSON.stringify({ environments: { development: { services } } }))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title><script type="module" src="/main.js"></script>')
  writeFileSync(join(root, 'main.js'), 'document.title = "ok"\n')
  return { root, stateDir: freshStateDir(), web, api, hmr }
}

/** Warnings the plugin gave, for the assertions. */
function options(p: Project, more: BerthViteOptions = {}): BerthViteOptions & { warnings: string[] } {
  const warnings: string[] = []
  const logger = { info() {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) }
  return { stateDir: p.stateDir, env: { NODE_ENV: 'development' }, logger, warnings, ...more }
}

const ctxOf = (p: Project) => ({ root: p.root, env: {}, stateDir: p.stateDir, logger: null })

async function dev(p: Project, plugin: Plugin, server: Record<string, unknown> = {}, more: Plugin[] = []): Promise<ViteDevServer> {
  const vite = await createServer({
    root: p.root,
    configFile: false,
    logLevel: 'silent',
    plugins: [plugin, ...more],
    server: { host: '127.0.0.1', ...server },
  })
  open.push(vite)
  return vite
}

describe('berth-ports/vite', () => {
  test('vite dev: server.port is the lease from the project file, strictPort on, the same lease berth port sees', async () => {
    const p = await project()
    const vite = await dev(p, berth(options(p)))
    expect(vite.config.server.port).toBe(p.web)
    expect(vite.config.server.strictPort).toBe(true)
    await vite.listen()
    expect((vite.httpServer!.address() as { port: number }).port).toBe(p.web)
    expect(await leasedPortOf('web-server', ctxOf(p))).toBe(p.web)
    const seen = await runBerth(['port', 'web-server'], { BERTH_STATE_DIR: p.stateDir, BERTH_PROJECT: p.root })
    expect(seen.stdout.trim()).toBe(String(p.web))
  })

  test('a port the user gave (config or --port) is kept, and nothing is allocated for it', async () => {
    const p = await project()
    const given = await freeRange(1)
    // `vite --port N` reaches plugins as inline config, exactly like this.
    const vite = await dev(p, berth(options(p)), { port: given })
    expect(vite.config.server.port).toBe(given)
    expect(await leasedPortOf('web-server', ctxOf(p))).toBeNull()
  })

  test('PORT from berth exec / berth run is used as it is; strictPort: false from the user is kept', async () => {
    const p = await project()
    const port = p.web + 5
    const vite = await dev(p, berth(options(p, { env: { PORT: String(port) } })), { strictPort: false })
    expect(vite.config.server.port).toBe(port)
    expect(vite.config.server.strictPort).toBe(false)
  })

  test('drift (strictPort: false, the leased port taken before Vite listens): the lease moves to the real port, one warning', async () => {
    const p = await project()
    const opts = options(p)
    const plugin = berth(opts)
    // Takes the port berth chose, between the allocation and Vite's listen: what another program does.
    const thief: Plugin = {
      name: 'thief',
      async configureServer(server) {
        open.push(await hold('::', server.config.server.port))
      },
    }
    const vite = await dev(p, plugin, { strictPort: false }, [thief])
    await vite.listen()
    const real = await plugin.api.settled()
    expect(real).not.toBe(p.web)
    expect((vite.httpServer!.address() as { port: number }).port).toBe(real)
    expect(await leasedPortOf('web-server', ctxOf(p))).toBe(real)
    expect(opts.warnings.filter((w) => w.includes('Vite listens'))).toEqual([
      `⚠️  [web-server] Vite listens on ${real}, not on its leased port ${p.web} (strictPort is off): the lease moved to ${real}`,
    ])
  })

  test('vite build allocates nothing', async () => {
    const p = await project()
    const plugin = berth(options(p))
    await build({ root: p.root, configFile: false, logLevel: 'silent', plugins: [plugin], build: { write: false } })
    expect(await leasedPortOf('web-server', ctxOf(p))).toBeNull()
    expect(await leasedPortOf('vite-hmr', ctxOf(p))).toBeNull()
  })

  test('vite preview: preview.port from the lease, strictPort on', async () => {
    const p = await project()
    mkdirSync(join(p.root, 'dist'))
    writeFileSync(join(p.root, 'dist', 'index.html'), '<!doctype html><title>built</title>')
    const server = await preview({
      root: p.root,
      configFile: false,
      logLevel: 'silent',
      plugins: [berth(options(p))],
      preview: { host: '127.0.0.1' },
    })
    open.push(server)
    expect(server.config.preview.port).toBe(p.web)
    expect(server.config.preview.strictPort).toBe(true)
    expect((await fetch(`http://127.0.0.1:${p.web}/`)).status).toBe(200)
  })

  test('middleware mode: the HMR websocket listens on the vite-hmr lease', async () => {
    const p = await project()
    const vite = await dev(p, berth(options(p)), { middlewareMode: true })
    expect((vite.config.server.ws as { port?: number }).port).toBe(p.hmr)
    expect(await leasedPortOf('vite-hmr', ctxOf(p))).toBe(p.hmr)
    const message = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${p.hmr}`, 'vite-hmr')
      socket.onmessage = (event) => {
        resolve(String(event.data))
        socket.close()
      }
      socket.onerror = () => reject(new Error(`no HMR websocket on ${p.hmr}`))
    })
    expect(JSON.parse(message).type).toBe('connected')
  })

  test('outside middleware mode the HMR port is left to Vite (its web port)', async () => {
    const p = await project()
    const vite = await dev(p, berth(options(p)))
    expect((vite.config.server.ws as { port?: number } | false | undefined) || {}).not.toHaveProperty('port')
    expect(await leasedPortOf('vite-hmr', ctxOf(p))).toBeNull()
  })

  test("the /api proxy goes to the api service's lease, and API_TARGET wins over it", async () => {
    const p = await project()
    const api = await leasePort('api-server', ctxOf(p))
    const answer = Bun.serve({ hostname: '127.0.0.1', port: api, fetch: (r) => new Response(`api saw ${new URL(r.url).pathname}`) })
    try {
      const vite = await dev(p, berth(options(p)))
      expect(vite.config.server.proxy?.['/api']).toMatchObject({ target: `http://localhost:${api}` })
      await vite.listen()
      expect(await (await fetch(`http://127.0.0.1:${p.web}/api/hello`)).text()).toBe('api saw /api/hello')
      const other = await dev(p, berth(options(p, { env: { PORT: String(p.web + 1), API_TARGET: 'http://127.0.0.1:9' } })))
      expect(other.config.server.proxy?.['/api']).toMatchObject({ target: 'http://127.0.0.1:9' })
    } finally {
      answer.stop(true)
    }
  })

  test('no api lease and no API_TARGET: /api is not proxied, and a warning says what to start', async () => {
    const p = await project()
    const opts = options(p)
    const vite = await dev(p, berth(opts))
    expect(vite.config.server.proxy?.['/api']).toBeUndefined()
    expect(opts.warnings).toEqual([
      '⚠️  [web-server] No port for api-server (no API_TARGET, no API_SERVER_PORT, no lease): /api is not proxied; start api-server first',
    ])
  })
})
