// The spec's web server: Vite on the web-server lease, /api proxied to the api-server's port.
import berth from 'berth-ports/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [berth({ service: 'web-server', hmr: 'vite-hmr', proxy: { '/api': 'api-server' } })],
})
