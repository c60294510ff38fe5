// Redirects on the pooled (undici) path are refused, never followed: every request there carries a bearer
// token or our client credential, and following a 302 to another host would hand it over. A local server
// answers 302 to a second server on another port; that second server must never see a request.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Context } from '@microsoft/microsoft-graph-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classifyTokenError } from '../../src/classify-token-error.ts'
import { createConnectionPool } from '../../src/connection-pool.ts'
import { RedirectRefusedError } from '../../src/errors.ts'
import { BudgetedRetryMiddleware, FetchMiddleware, type CallTrace } from '../../src/graph-middleware.ts'
import { TenantRetryGate } from '../../src/retry-gate.ts'
import { silentLogger } from '../../src/logger.ts'
import { MsalNetworkClient } from '../../src/msal-network-client.ts'
import { pooledRequest } from '../../src/pooled-request.ts'

const TENANT = '11111111-2222-4333-8444-555555555555'
const PARTNER = '99999999-8888-4777-8666-555555555555'

let redirecting: Server
let elsewhere: Server
let redirectingUrl: string
let elsewhereOrigin: string
const redirected: string[] = []
const stolen: IncomingMessage['headers'][] = []
const pool = createConnectionPool()

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
}

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    stolen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  elsewhereOrigin = await listen(elsewhere)
  redirecting = createServer((req, res) => {
    redirected.push(`${req.method ?? ''} ${req.url ?? ''}`)
    req.resume()
    res.writeHead(302, { location: `${elsewhereOrigin}/collect?from=${encodeURIComponent(req.url ?? '')}` })
    res.end()
  })
  redirectingUrl = await listen(redirecting)
})
afterAll(async () => {
  await pool.close()
  await new Promise((resolve) => redirecting.close(resolve))
  await new Promise((resolve) => elsewhere.close(resolve))
})

describe('redirects on the pooled path', () => {
  it('pooledRequest refuses a 302 with a typed configuration error naming only the target origin', async () => {
    const error = await pooledRequest(pool, `${redirectingUrl}/v1.0/x`, {
      method: 'GET',
      headers: { authorization: 'Bearer secret-bearer-token' },
      timeoutMs: 2_000,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedirectRefusedError)
    expect(error).toMatchObject({
      kind: 'configuration',
      retryable: false,
      status: 302,
      location: elsewhereOrigin,
    })
    expect((error as Error).message).not.toContain('/collect')
    expect(stolen).toEqual([])
  })

  it('a Graph call answered with a redirect fails at once, without retries, and the token stays home', async () => {
    // The gateway's own chain below the auth link (the gateway itself only takes https base URLs).
    redirected.length = 0
    const trace: CallTrace = {
      tenantId: TENANT,
      method: 'GET',
      path: '/x',
      clientRequestId: 'c',
      attempts: 0,
      requestId: undefined,
      status: undefined,
      thrown: undefined,
    }
    const retry = new BudgetedRetryMiddleware(
      { maxAttempts: 4, budgetMs: 5_000, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 2_000 },
      trace,
      silentLogger,
      new TenantRetryGate(),
    )
    retry.setNext(new FetchMiddleware(2_000, trace, pool))
    const context: Context = {
      request: `${redirectingUrl}/v1.0/policies/crossTenantAccessPolicy/partners/${PARTNER}`,
      options: { method: 'GET', headers: { Authorization: 'Bearer secret-bearer-token' } },
    }
    const error = await retry.execute(context).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedirectRefusedError)
    expect(error).toMatchObject({ kind: 'configuration', status: 302 })
    // What graph-request reports to the caller (the SDK would flatten the error, the trace keeps it).
    expect(trace.thrown).toBe(error)
    expect(trace.attempts).toBe(1)
    expect(redirected).toHaveLength(1)
    expect(stolen).toEqual([])
  })

  it('a token POST answered with a redirect is refused and reported as the refusal, not a network error', async () => {
    const network = new MsalNetworkClient(2_000, pool)
    const error = await network
      .sendPostRequestAsync(`${redirectingUrl}/${TENANT}/oauth2/v2.0/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_secret=our-secret&grant_type=client_credentials',
        correlationId: 'corr-1',
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ errorCode: 'network_error' })
    const meta = network.take('corr-1')
    expect(meta?.refused).toBeInstanceOf(RedirectRefusedError)
    // MSAL replaces our error with its own network error; the refusal is what the caller is told.
    const classified = classifyTokenError(
      { errorCode: 'network_error', name: 'ClientAuthError' },
      TENANT,
      meta,
    )
    expect(classified).toBe(meta?.refused)
    expect(stolen).toEqual([])
  })
})
