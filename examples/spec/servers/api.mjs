// The spec's api-server: JSON on $PORT (berth sets it, and API_PORT, from the lease).
import http from 'node:http'

const port = Number(process.env.PORT)
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ service: 'api-server', port, path: req.url }))
  })
  .listen(port, () => console.log(`api-server listening on ${port}`))
