// Builds the two HTTPS origins (identity platform and Graph) on Fastify, with the shared hooks: request and
// client-request ids, fault injection, Retry-After tracking (for `early`), and the bounded request log. The
// requests inside a Graph JSON batch are injected by the `$batch` route and pass through the same hooks.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import formbody from '@fastify/formbody'
import type { SimState } from './state.ts'
import type { ReqCtx } from './context.ts'
import { sendAad } from './context.ts'
import { aadError } from './errors.ts'
import { peekClaims } from './keys.ts'
import { registerDiscovery } from './identity/discovery.ts'
import { registerTokenEndpoint } from './identity/token-endpoint.ts'
import { registerAuthorize } from './identity/authorize.ts'
import { registerAdminConsent } from './identity/admin-consent.ts'
import { registerGraphRoutes } from './graph/routes.ts'
import { registerGraphPolicyRoutes } from './graph/policy-routes.ts'
import { graphError } from './graph/respond.ts'
import { BATCH_ITEM_HEADER, BatchItems } from './graph/batch-items.ts'
import { BATCH_PATH, registerBatchRoute } from './graph/batch-routes.ts'
import { registerControlRoutes } from './control/routes.ts'
import { errorPage } from './identity/html.ts'

type Origin = 'login' | 'graph'

const AGS = JSON.stringify({
  ServerInfo: {
    DataCenter: 'Sweden Central',
    Slice: 'E',
    Ring: '3',
    ScaleUnit: '000',
    RoleInstance: 'MS-SIM',
  },
})
const GRAPH_CODES: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Too many requests.'],
  500: ['generalException', 'An unspecified error has occurred.'],
  502: ['badGateway', 'Bad gateway.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The gateway did not receive a timely response.'],
}

function gateKey(c: ReqCtx): string {
  return `${c.origin}|${c.tenant ?? ''}|${c.clientId ?? ''}`
}

function faultResponse(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  retryAfter: number | null,
): FastifyReply {
  if (retryAfter !== null) reply.header('retry-after', String(retryAfter))
  const c = req.sim
  if (c.origin === 'graph') {
    if (status === 429) {
      reply
        .header('x-ms-throttle-scope', `Tenant_Application/ReadWrite/${c.clientId ?? ''}/${c.tenant ?? ''}`)
        .header('x-ms-throttle-information', 'ResourceUnitLimitExceeded')
    }
    const [code, message] = GRAPH_CODES[status] ?? ['UnknownError', 'Error']
    return graphError(req, reply, status, code, message)
  }
  const err =
    status === 429
      ? aadError(
          429,
          'temporarily_unavailable',
          90055,
          'There are too many incoming requests. Please retry later.',
          c.clientRequestId,
        )
      : aadError(
          status,
          'temporarily_unavailable',
          90033,
          'A transient error has occurred. Please try again.',
          c.clientRequestId,
        )
  return sendAad(reply, err)
}

export function buildOrigin(
  origin: Origin,
  state: SimState,
  tls: { key: string; cert: string },
  logRequests: boolean,
): FastifyInstance {
  const app = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: logRequests ? { level: 'info' } : false,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    keepAliveTimeout: 75_000,
    return503OnClosing: false,
    // Keep-alive sockets (MSAL, Graph client, benchmarks) must not hold close() open.
    forceCloseConnections: true,
  })

  app.decorateRequest('sim', null as unknown as ReqCtx)
  const batchItems = new BatchItems()

  app.addHook('onRequest', async (req, reply) => {
    const h = req.headers['client-request-id']
    const qcid = (req.query as Record<string, unknown> | undefined)?.['client-request-id']
    const clientRequestId =
      typeof h === 'string' && h ? h : typeof qcid === 'string' && qcid ? qcid : randomUUID()
    const batchItem = batchItems.claim(req.headers[BATCH_ITEM_HEADER])
    req.sim = {
      origin,
      startMs: performance.now(),
      requestId: randomUUID(),
      clientRequestId,
      tenant: null,
      clientId: null,
      early: batchItem?.early ?? false,
      fault: null,
      batch: batchItem?.envelopeRequestId ?? null,
    }
    if (origin === 'graph') {
      reply
        .header('request-id', req.sim.requestId)
        .header('client-request-id', clientRequestId)
        .header('x-ms-ags-diagnostic', AGS)
      reply.header('strict-transport-security', 'max-age=31536000')
    } else {
      reply
        .header('x-ms-request-id', req.sim.requestId)
        .header('client-request-id', clientRequestId)
        .header('x-ms-ests-server', '2.1.20000.0 - SEC ProdSlices (ms-sim)')
    }
  })

  app.addHook('preHandler', async (req, reply) => {
    const path = req.url
    if (path.startsWith('/_sim/')) return
    const c = req.sim
    if (origin === 'login') {
      const seg = (req.params as { tenant?: string } | undefined)?.tenant
      if (seg) c.tenant = state.resolveTenant(seg)?.id ?? seg.toLowerCase()
      const body = req.body as Record<string, unknown> | null | undefined
      const cid = body?.client_id ?? (req.query as Record<string, unknown> | undefined)?.client_id
      if (typeof cid === 'string') c.clientId = cid.toLowerCase()
    } else {
      const auth = req.headers.authorization
      if (auth && auth.length > 7) {
        const raw = auth.slice(7)
        const claims = state.keys.knownClaims(raw) ?? state.opaqueTokens.get(raw) ?? peekClaims(raw)
        if (claims) {
          if (typeof claims.tid === 'string') c.tenant = claims.tid
          const app = claims.appid ?? claims.azp
          if (typeof app === 'string') c.clientId = app
        }
      }
    }
    const nowMs = Date.now()
    // A request inside a batch arrived with its envelope, which was checked against the gates then.
    if (c.batch === null && state.retryGates.size > 0) {
      const until = state.retryGates.get(gateKey(c))
      if (until !== undefined) {
        if (nowMs < until) c.early = true
        else state.retryGates.delete(gateKey(c))
      }
    }
    const batchEnvelope = origin === 'graph' && req.routeOptions.url === BATCH_PATH
    const d = state.faults.decide(
      {
        origin,
        tenant: c.tenant,
        clientId: c.clientId,
        method: req.method,
        path,
        batchEnvelope,
        batchItem: c.batch !== null,
      },
      nowMs,
    )
    if (d.delayMs > 0) {
      c.fault = 'latency'
      await new Promise((r) => setTimeout(r, d.delayMs))
    }
    if (d.kind === 'reset' && c.batch !== null) {
      // A request inside a batch has no connection of its own to cut: Graph's gateway answers for the
      // backend that dropped it (assumed).
      c.fault = 'reset'
      return faultResponse(req, reply, 502, null)
    }
    if (d.kind === 'reset') {
      c.fault = 'reset'
      reply.hijack()
      req.raw.socket.destroy()
      state.requests.add({
        // The interval ends when the connection is cut (now), after any injected delay.
        time: new Date().toISOString(),
        origin,
        tenant: c.tenant,
        clientId: c.clientId,
        method: req.method,
        path: req.url,
        status: 0,
        durationMs: Math.round(performance.now() - c.startMs),
        early: c.early,
        fault: 'reset',
        batch: null,
      })
      return
    }
    if (d.kind === 'respond') {
      c.fault = d.label
      return faultResponse(req, reply, d.status, d.retryAfter)
    }
  })

  app.addHook('onSend', async (req, reply) => {
    // The response leaves now: the log's interval ends here, not when 'finish' fires later on a busy event
    // loop (by then the client may already have sent its next request, which would look like an overlap).
    req.sim.sentAtMs = performance.now()
    req.sim.sentAt = Date.now()
    const ra = reply.getHeader('retry-after')
    if (ra !== undefined && req.sim.tenant !== null) {
      const secs = Number(ra)
      if (Number.isFinite(secs)) state.retryGates.set(gateKey(req.sim), Date.now() + secs * 1000)
    }
  })

  app.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/_sim/')) return
    const c = req.sim
    state.requests.add({
      time: new Date(c.sentAt ?? Date.now()).toISOString(),
      origin,
      tenant: c.tenant,
      clientId: c.clientId,
      method: req.method,
      path: req.url,
      status: reply.statusCode,
      durationMs: Math.round((c.sentAtMs ?? performance.now()) - c.startMs),
      early: c.early,
      fault: c.fault,
      batch: c.batch,
    })
  })

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) req.log.error(err)
    if (req.url.startsWith('/_sim/')) {
      return reply
        .code(status)
        .type('application/problem+json')
        .send({ title: 'Error', status, detail: err.message })
    }
    if (origin === 'graph') {
      const code =
        status === 415 ? 'UnsupportedMediaType' : status === 500 ? 'generalException' : 'BadRequest'
      const message =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'
          : err.message
      return graphError(req, reply, status, code, message)
    }
    return sendAad(
      reply,
      aadError(
        status,
        status === 500 ? 'server_error' : 'invalid_request',
        status === 500 ? 90033 : 900144,
        err.message,
        req.sim.clientRequestId,
      ),
    )
  })

  app.setNotFoundHandler((req, reply) => {
    if (origin === 'graph') {
      const seg = req.url.split('?')[0]?.split('/').filter(Boolean).pop() ?? ''
      return graphError(req, reply, 400, 'BadRequest', `Resource not found for the segment '${seg}'.`)
    }
    return reply
      .code(404)
      .type('text/html')
      .send(
        errorPage(
          900561,
          'The endpoint only accepts POST, OPTIONS requests or does not exist.',
          req.sim.clientRequestId,
        ),
      )
  })

  if (origin === 'login') {
    void app.register(formbody)
    registerDiscovery(app, state)
    registerTokenEndpoint(app, state)
    registerAuthorize(app, state)
    registerAdminConsent(app, state)
  } else {
    registerGraphRoutes(app, state)
    registerGraphPolicyRoutes(app, state)
    registerBatchRoute(app, state, batchItems)
  }
  registerControlRoutes(app, state)
  return app
}
