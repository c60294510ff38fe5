// Requests over the keep-alive pool with undici's `request`: the timeout bounds the whole exchange (a server
// that trickles its body is given up on), and answers come back whole with fetch-like headers.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConnectionPool } from '../../src/connection-pool.ts'
import { isTimeout, pooledRequest } from '../../src/pooled-request.ts'

let server: Server
let base: string
const pool = createConnectionPool()

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/trickle') {
      // Headers at once, then one byte every 150 ms: no gap is long, but the whole answer never ends in time.
      res.writeHead(200, { 'content-type': 'application/json' })
      const timer = setInterval(() => {
        res.write(' ')
      }, 150)
      res.on('close', () => {
        clearInterval(timer)
      })
      return
    }
    res.writeHead(200, [
      ['content-type', 'application/json'],
      ['x-repeated', 'a'],
      ['x-repeated', 'b'],
    ])
    res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
})
afterAll(async () => {
  await pool.close()
  await new Promise((resolve) => server.close(resolve))
})

describe('pooledRequest', () => {
  it('gives up on a server that trickles its answer once the timeout has passed', async () => {
    const started = Date.now()
    const failure: unknown = await pooledRequest(pool, `${base}/trickle`, {
      method: 'GET',
      headers: {},
      timeoutMs: 400,
    }).catch((error: unknown) => error)
    expect(isTimeout(failure)).toBe(true)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('returns the status, the body whole and repeated headers joined as fetch joins them', async () => {
    const answer = await pooledRequest(pool, `${base}/ok`, {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: 'x=1',
      timeoutMs: 2_000,
    })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({ method: 'POST', auth: 'Bearer t' })
    expect(answer.headers['x-repeated']).toBe('a, b')
    expect(isTimeout(new Error('connect ECONNREFUSED'))).toBe(false)
  })
})
