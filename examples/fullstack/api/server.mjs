// The spec's API server: plain node:http (runs on Node and Bun), on the port berth gives it.
import { createServer } from 'node:http'

const port = Number(process.env.API_PORT ?? process.env.PORT)
if (!Number.isInteger(port) || port < 1) {
  console.error('api-server: no port; start it with "berth run" (or set API_PORT)')
  process.exit(2)
}

createServer((request, response) => {
  if (request.url === '/api/hello') {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ message: `Hello from the API on port ${port}` }))
    return
  }
  response.writeHead(404, { 'content-type': 'text/plain' })
  response.end('not found\n')
}).listen(port, () => console.log(`api-server listening on ${port}`))
