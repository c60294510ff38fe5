// A real HTTP webhook receiver on 127.0.0.1 for notification tests: records every request (headers and the
// exact body bytes, which is what signatures cover) and answers with a status the test controls.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'

/**
 * The receiver listens on loopback, which webhooks may reach only when the deployment opens it: tests set
 * `WEBHOOK_ALLOWED_PRIVATE_NETWORKS` (or pass the service a target policy) to this.
 */
export const RECEIVER_NETWORK = '127.0.0.1/32'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  status: number
}

export interface WebhookReceiver {
  url: string
  port: number
  requests: ReceivedRequest[]
  /** Status for the next requests (default 200); a function sees the 1-based request number. */
  respondWith(status: number | ((n: number) => number)): void
  close(): Promise<void>
}

export async function startReceiver(port = 0): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = []
  let respond: (n: number) => number = () => 200
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const status = respond(requests.length + 1)
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver down')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address()
  const actual = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://127.0.0.1:${actual}/hooks/crosstrust`,
    port: actual,
    requests,
    respondWith(status) {
      respond = typeof status === 'number' ? () => status : status
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}
