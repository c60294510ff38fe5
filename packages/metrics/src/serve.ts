import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { Registry } from 'prom-client'

/**
 * Whether a scrape may read the metrics: always when no token is configured (the endpoint is then
 * protected at the network level), otherwise only with `Authorization: Bearer <token>`.
 */
export function scrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined || token === '') return true
  const expected = Buffer.from(`Bearer ${token}`)
  const got = Buffer.from(authorization ?? '')
  return got.length === expected.length && timingSafeEqual(got, expected)
}

export interface MetricsServer {
  port: number
  close(): Promise<void>
}

/** The worker's own `/metrics` listener (the worker has no other HTTP surface). */
export async function startMetricsServer(opts: {
  registry: Registry
  port: number
  host?: string
  token?: string | undefined
  onError?: (error: Error) => void
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
      return
    }
    if (!scrapeAllowed(req.headers.authorization, opts.token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' })
      res.end('unauthorized\n')
      return
    }
    opts.registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': opts.registry.contentType }).end(body)
      },
      (error: unknown) => {
        opts.onError?.(error instanceof Error ? error : new Error(String(error)))
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n')
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address !== null ? address.port : opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}
