// The spec's web-server on $PORT: a page, and /api/* passed on to API_TARGET (the api-server's lease).
import http from 'node:http'

const port = Number(process.env.PORT)
const target = process.env.API_TARGET
http
  .createServer(async (req, res) => {
    if (req.url?.startsWith('/api/')) {
      const answer = await fetch(`${target}${req.url.slice(4)}`).then(
        (r) => r.text(),
        (e) => JSON.stringify({ error: String(e) }),
      )
      res.setHeader('content-type', 'application/json')
      return res.end(answer)
    }
    res.end(`web-server on ${port}; the api is at ${target}\n`)
  })
  .listen(port, () => console.log(`web-server listening on ${port}, api at ${target}`))
