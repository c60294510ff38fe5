// The retry middleware against a scripted next link (the real HTTP path is covered against the simulator).
import type { Context, Middleware } from '@microsoft/microsoft-graph-client'
import { describe, expect, it } from 'vitest'
import { ThrottledError, TransientError } from '../../src/errors.ts'
import { BudgetedRetryMiddleware, type CallTrace, type RetryPolicy } from '../../src/graph-middleware.ts'
import { silentLogger } from '../../src/logger.ts'
import { TenantRetryGate } from '../../src/retry-gate.ts'

type Step = { status: number; retryAfter?: string } | 'network'

function scripted(steps: Step[]): Middleware & { times: number[]; headers: (string | undefined)[] } {
  const times: number[] = []
  const headers: (string | undefined)[] = []
  return {
    times,
    headers,
    execute(context: Context) {
      times.push(Date.now())
      const h = context.options?.headers as Record<string, string> | undefined
      headers.push(h?.['Retry-Attempt'])
      const step = steps.shift() ?? { status: 200 }
      if (step === 'network') return Promise.reject(new TypeError('fetch failed'))
      const responseHeaders: Record<string, string> = { 'request-id': `r${times.length}` }
      if (step.retryAfter !== undefined) responseHeaders['retry-after'] = step.retryAfter
      context.response = new Response(null, { status: step.status, headers: responseHeaders })
      return Promise.resolve()
    },
  }
}

function trace(): CallTrace {
  return {
    tenantId: 't',
    method: 'GET',
    path: '/x',
    clientRequestId: 'c',
    attempts: 0,
    requestId: undefined,
    status: undefined,
    thrown: undefined,
  }
}

const policy: RetryPolicy = {
  maxAttempts: 4,
  budgetMs: 2_000,
  baseDelayMs: 20,
  maxDelayMs: 100,
  timeoutMs: 1_000,
}

async function run(steps: Step[], p: RetryPolicy = policy, gate = new TenantRetryGate()) {
  const next = scripted(steps)
  const t = trace()
  const retry = new BudgetedRetryMiddleware(p, t, silentLogger, gate, () => 0.5)
  retry.setNext(next)
  const context: Context = { request: 'https://graph.example/v1.0/x', options: { headers: {} } }
  let error: unknown
  try {
    await retry.execute(context)
  } catch (e) {
    error = e
  }
  return { next, t, context, error }
}

describe('BudgetedRetryMiddleware', () => {
  it('retries 503 then returns the success', async () => {
    const { next, context, t } = await run([{ status: 503 }, { status: 200 }])
    expect(next.times).toHaveLength(2)
    expect(context.response?.status).toBe(200)
    expect(t.attempts).toBe(2)
    expect(next.headers).toEqual([undefined, '1'])
  })

  it('waits at least Retry-After seconds', async () => {
    const { next } = await run([{ status: 429, retryAfter: '1' }, { status: 200 }])
    const [first = 0, second = 0] = next.times
    expect(second - first).toBeGreaterThanOrEqual(1000)
  })

  it('does not retry other statuses', async () => {
    const { next, context } = await run([{ status: 500 }])
    expect(next.times).toHaveLength(1)
    expect(context.response?.status).toBe(500)
  })

  it('stops after maxAttempts and hands back the last 429', async () => {
    const { next, context } = await run([
      { status: 429, retryAfter: '0' },
      { status: 429, retryAfter: '0' },
      { status: 429, retryAfter: '0' },
      { status: 429, retryAfter: '0' },
      { status: 200 },
    ])
    expect(next.times).toHaveLength(4)
    expect(context.response?.status).toBe(429)
  })

  it('does not start a wait that would overrun the budget', async () => {
    const started = Date.now()
    const { next, context } = await run([{ status: 429, retryAfter: '5' }, { status: 200 }])
    expect(next.times).toHaveLength(1)
    expect(context.response?.status).toBe(429)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('retries network errors and then throws a TransientError', async () => {
    const ok = await run(['network', { status: 200 }])
    expect(ok.context.response?.status).toBe(200)
    const failed = await run(['network', 'network', 'network', 'network'])
    expect(failed.error).toBeInstanceOf(TransientError)
    expect(failed.t.thrown).toBe(failed.error)
    expect(failed.next.times).toHaveLength(4)
  })

  it('holds a Retry-After for every later call to the tenant: the next one waits it out', async () => {
    const gate = new TenantRetryGate()
    await run([{ status: 429, retryAfter: '5' }], policy, gate)
    const { next, context } = await run([{ status: 200 }], { ...policy, budgetMs: 10_000 }, gate)
    expect(next.times).toHaveLength(1)
    expect(context.response?.status).toBe(200)
    expect(gate.remainingMs('t')).toBe(0)
  }, 10_000)

  it('a call whose budget ends before the tenant stops throttling fails as throttled without sending', async () => {
    const gate = new TenantRetryGate()
    await run([{ status: 429, retryAfter: '30' }], policy, gate)
    const { next, error, t } = await run([{ status: 200 }], policy, gate)
    expect(next.times).toEqual([])
    expect(error).toBeInstanceOf(ThrottledError)
    expect((error as ThrottledError).retryAfterMs).toBeGreaterThan(28_000)
    expect(t.thrown).toBe(error)
  })

  it('a Retry-After on a success is a polling hint, not throttling: it holds nothing', async () => {
    const gate = new TenantRetryGate()
    await run([{ status: 202, retryAfter: '30' }], policy, gate)
    expect(gate.remainingMs('t')).toBe(0)
  })
})
