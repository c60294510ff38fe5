// Several Graph GETs against one tenant in one `POST /$batch` (https://learn.microsoft.com/graph/json-batching),
// sent by the same sender as every other call: the tenant's token, retries of the envelope's own 429/503/504,
// our `client-request-id`, the priority header. A 200 envelope says nothing about the requests inside: each
// answer is settled on its own with the parse function of its single-request method, and only the answers
// 429/503/504 are asked again, in a new batch, once the longest Retry-After among them has passed.
import { backoffDelay, sleepAtLeast } from './backoff.ts'
import { classifyGraphError } from './classify-graph-error.ts'
import { isMicrosoftError, type MicrosoftError, TransientError } from './errors.ts'
import { RETRY_STATUSES, type RetryPolicy } from './graph-middleware.ts'
import type { CallOptions, GraphResult, GraphSender } from './graph-request.ts'
import { type BatchAnswer, parseBatchEnvelope, parseGraphErrorBody } from './graph-responses.ts'
import type { MicrosoftLogger } from './logger.ts'
import { parseRetryAfter } from './retry-after.ts'
import type { TenantRetryGate } from './retry-gate.ts'

/** What one read of a batch came to: its value, or the error its single-request method would have thrown. */
export type Settled<T> =
  { ok: true; value: T; requestId: string | undefined } | { ok: false; error: MicrosoftError }

/** One GET inside a batch and how its answer becomes a value. */
export interface BatchRead<T> {
  /** Relative to the version, as the single-request method asks for it. */
  path: string
  parse: (raw: unknown) => T
  /** For reads where "absent" is an answer, not an error. */
  onNotFound?: () => T
}

type ValueOf<R> = R extends BatchRead<infer T> ? T : never
/** The settled reads, under the keys (ids) they were asked under; an optional read stays optional. */
export type SettledReads<R> = { [K in keyof R]: Settled<ValueOf<NonNullable<R[K]>>> }

export interface BatchReaderOptions {
  send: GraphSender
  /** The gateway's retry policy; a call's `retry` overrides it. */
  policy: RetryPolicy
  logger: MicrosoftLogger
  /** The sender's: a Retry-After on a request inside the batch holds for every request to the tenant. */
  retryGate: TenantRetryGate
  /** After a 401 the tenant's cached token is dropped, as for any other call. */
  invalidateToken: (tenantId: string) => void
  random?: () => number
}

const BATCH_PATH = '/$batch'
/** Microsoft refuses a batch of more than 20 requests as a whole (400). */
const MAX_BATCH_REQUESTS = 20

/** A read to ask again, with the error it settles with when no retry is left (its Retry-After included). */
interface Again {
  id: string
  error: MicrosoftError
}

/**
 * Reads every `reads[id]` in one batch, retrying the throttled and unavailable
 * ones within the call's retry policy; never throws a MicrosoftError (the envelope failing settles every read
 * still open with its error). `onAttempts` is told every HTTP request made.
 */
export async function readBatch<R extends Record<string, BatchRead<unknown> | undefined>>(
  reader: BatchReaderOptions,
  tenantId: string,
  reads: R,
  opts: CallOptions | undefined,
  onAttempts: (attempts: number) => void,
): Promise<SettledReads<R>> {
  const policy: RetryPolicy = { ...reader.policy, ...opts?.retry }
  const open = new Map<string, BatchRead<unknown>>()
  for (const [id, read] of Object.entries(reads)) if (read !== undefined) open.set(id, read)
  if (open.size > MAX_BATCH_REQUESTS) throw new Error(`a batch holds at most ${MAX_BATCH_REQUESTS} reads`)
  const settled: Record<string, Settled<unknown>> = {}
  const started = Date.now()
  // One policy for the whole reading: the envelope's own retries and the rounds share its attempts.
  let sent = 0
  const count = (attempts: number): void => {
    sent += attempts
    onAttempts(attempts)
  }
  for (let round = 1; open.size > 0; round++) {
    const remaining = {
      budgetMs: Math.max(0, policy.budgetMs - (Date.now() - started)),
      maxAttempts: Math.max(1, policy.maxAttempts - sent),
    }
    const envelope = await sendBatch(reader, tenantId, open, opts, remaining, count)
    if (isMicrosoftError(envelope)) {
      // The sender has logged the envelope's failure; every read still open shares it.
      for (const id of open.keys()) settled[id] = { ok: false, error: envelope }
      break
    }
    const again: Again[] = []
    for (const [id, read] of open) {
      const outcome = settle(reader, tenantId, read, envelope.value.get(id), envelope)
      if ('again' in outcome) again.push({ id, error: outcome.again })
      else {
        settled[id] = outcome
        if (!outcome.ok) logFailure(reader, tenantId, read, outcome.error, round, envelope)
        open.delete(id)
      }
    }
    if (again.length === 0) break
    // One wait for all: a Retry-After holds for the app in the tenant, not for one read, so no read of the
    // tenant goes again before the longest has passed (Microsoft: retry the failed requests in a new batch
    // after the longest Retry-After). When that is past the budget, every such read settles now; the reads
    // that were answered keep their answers.
    const delay = Math.max(
      ...again.map((a) => retryAfterOf(a.error) ?? backoffDelay(round, policy, reader.random)),
    )
    const elapsed = Date.now() - started
    const logFields = {
      tenantId,
      method: 'POST',
      path: BATCH_PATH,
      attempt: round,
      reasons: again.map((a) => `${a.id}: HTTP ${String(a.error.status ?? 'none')}`),
      requestId: envelope.requestId,
      clientRequestId: envelope.clientRequestId,
    }
    // Waiting past the budget is pointless: the reads settle with their last answer now.
    if (sent >= policy.maxAttempts || elapsed + delay > policy.budgetMs) {
      reader.logger.warn({ ...logFields, elapsedMs: elapsed }, 'graph retry budget exhausted')
      for (const { id, error } of again) {
        settled[id] = { ok: false, error }
        const read = open.get(id)
        if (read !== undefined) logFailure(reader, tenantId, read, error, round, envelope)
      }
      break
    }
    reader.logger.info({ ...logFields, delayMs: delay }, 'graph batch requests will be retried')
    await sleepAtLeast(delay)
  }
  // The one place the keys meet their types: each read's value came from that read's own parse function.
  return settled as SettledReads<R>
}

/** The answers of one batch of the open reads, or the error the envelope ended with after its retries. */
async function sendBatch(
  reader: BatchReaderOptions,
  tenantId: string,
  open: Map<string, BatchRead<unknown>>,
  opts: CallOptions | undefined,
  remaining: Pick<RetryPolicy, 'budgetMs' | 'maxAttempts'>,
  onAttempts: (attempts: number) => void,
): Promise<GraphResult<Map<string, BatchAnswer>> | MicrosoftError> {
  // Graph evaluates each request of a batch against the throttling limits on its own, so each one carries
  // the priority too, not only the envelope.
  const headers = opts?.priority === 'low' ? { headers: { 'x-ms-throttle-priority': 'low' } } : {}
  const requests = [...open].map(([id, read]) => ({ id, method: 'GET', url: read.path, ...headers }))
  try {
    return await reader.send(
      tenantId,
      {
        method: 'POST',
        path: BATCH_PATH,
        body: { requests },
        parse: parseBatchEnvelope,
        onAttempts,
        // Microsoft: a batch with a throttled request inside fails with 424; its answers are all there.
        answerOnStatus: [424],
      },
      { ...opts, retry: { ...opts?.retry, ...remaining } },
    )
  } catch (error) {
    if (isMicrosoftError(error)) return error
    throw error
  }
}

/** One answer as its single-request method would have read it; `again` when Graph asks to retry later. */
function settle(
  reader: BatchReaderOptions,
  tenantId: string,
  read: BatchRead<unknown>,
  answer: BatchAnswer | undefined,
  envelope: GraphResult<unknown>,
): Settled<unknown> | { again: MicrosoftError } {
  const what = `GET ${read.path}`
  const { clientRequestId } = envelope
  if (answer === undefined)
    return { again: new TransientError(`${what}: no answer in the batch`, { clientRequestId }) }
  const requestId = answer.headers.get('request-id') ?? envelope.requestId
  const retryAfterMs = answer.status >= 400 ? parseRetryAfter(answer.headers.get('retry-after')) : undefined
  if (retryAfterMs !== undefined) reader.retryGate.hold(tenantId, retryAfterMs)
  if (answer.status >= 200 && answer.status < 300) {
    try {
      return { ok: true, value: read.parse(answer.body), requestId }
    } catch (cause) {
      const error = new TransientError(`${what}: unexpected response shape from Graph`, {
        requestId,
        clientRequestId,
        cause,
      })
      return { ok: false, error }
    }
  }
  const body = parseGraphErrorBody(answer.body)
  const error = classifyGraphError(
    {
      status: answer.status,
      code: body.code,
      message: body.message,
      headers: answer.headers,
      bodyRequestId: body.requestId,
      clientRequestId,
    },
    what,
  )
  if (error.kind === 'not_found' && read.onNotFound !== undefined)
    return { ok: true, value: read.onNotFound(), requestId: error.requestId ?? requestId }
  if (RETRY_STATUSES.has(answer.status)) return { again: error }
  if (error.kind === 'access_lost' && error.status === 401) reader.invalidateToken(tenantId)
  return { ok: false, error }
}

function retryAfterOf(error: MicrosoftError): number | undefined {
  return 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined
}

function logFailure(
  reader: BatchReaderOptions,
  tenantId: string,
  read: BatchRead<unknown>,
  error: MicrosoftError,
  attempts: number,
  envelope: GraphResult<unknown>,
): void {
  reader.logger.warn(
    {
      tenantId,
      method: 'GET',
      path: read.path,
      attempts,
      err: error.toLog(),
      requestId: error.requestId ?? envelope.requestId,
      clientRequestId: envelope.clientRequestId,
      batchRequestId: envelope.requestId,
    },
    'graph request failed',
  )
}
