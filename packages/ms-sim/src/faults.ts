// Fault injection: rules matched per request (origin, tenant, app, method, path), applied before the real
// handler runs. Rules are global or per tenant, probabilistic or counted, and token buckets are kept per
// app+tenant like Graph's identity throttling limits.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'

export const faultRuleInputSchema = z.object({
  kind: z.enum(['latency', 'throttle', 'error', 'reset', 'bucket']),
  origin: z.enum(['login', 'graph']).optional(),
  tenantId: z.string().optional(),
  clientId: z.string().optional(),
  method: z.string().optional(),
  /** Substring the (lower-cased) path must contain, e.g. `/oauth2/v2.0/token` or `/partners`. */
  pathContains: z.string().optional(),
  /** Chance per matching request (0..1), default 1. */
  probability: z.number().min(0).max(1).optional(),
  /** Apply to this many matching requests, then the rule is removed. */
  times: z.number().int().positive().optional(),
  /** latency: fixed delay, or random between latencyMs and latencyMaxMs. */
  latencyMs: z.number().min(0).optional(),
  latencyMaxMs: z.number().min(0).optional(),
  /** error: 500/503/504 (default 503); throttle/bucket always answer 429. */
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  /**
   * Retry-After seconds on 429/503/504; null = no header (Graph does not always send one:
   * https://learn.microsoft.com/graph/throttling). Default 1 (throttle) / none (error).
   */
  retryAfterSeconds: z.number().min(0).nullable().optional(),
  /**
   * `integer` (default): delay-seconds as RFC 9110 defines them, fractions rounded up. `decimal`: the value
   * as a decimal number (e.g. `1.5`, a bucket's exact wait to the millisecond), which RFC parsers reject.
   */
  retryAfterFormat: z.enum(['integer', 'decimal']).optional(),
  /** bucket: capacity (requests) and refill per second, per app+tenant. */
  capacity: z.number().positive().optional(),
  refillPerSecond: z.number().min(0).optional(),
})
export type FaultRuleInput = z.input<typeof faultRuleInputSchema>
export type FaultRule = z.infer<typeof faultRuleInputSchema> & { id: string; hits: number }

export interface FaultContext {
  origin: 'login' | 'graph'
  tenant: string | null
  clientId: string | null
  method: string
  path: string
  /**
   * The `POST /v1.0/$batch` envelope itself. Microsoft throttles each request inside a batch on its own, so
   * rules apply to those requests; the envelope only meets a rule whose `pathContains` names `$batch`, and a
   * `reset` rule without `pathContains`: a reset cuts a connection, and the envelope's is the only one.
   */
  batchEnvelope?: boolean
  /** A request inside a batch: it has no connection of its own, so a path-less `reset` rule passes it by. */
  batchItem?: boolean
}

export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'respond'; delayMs: number; status: number; retryAfter: number | null; label: string }
  | { kind: 'reset'; delayMs: number }

export class FaultInjector {
  rules: FaultRule[] = []
  private buckets = new Map<string, { tokens: number; last: number }>()
  random: () => number = Math.random

  add(input: FaultRuleInput): FaultRule {
    const parsed = faultRuleInputSchema.parse(input)
    const rule: FaultRule = { ...parsed, id: randomUUID(), hits: 0 }
    if (rule.tenantId) rule.tenantId = rule.tenantId.toLowerCase()
    if (rule.clientId) rule.clientId = rule.clientId.toLowerCase()
    if (rule.pathContains) rule.pathContains = rule.pathContains.toLowerCase()
    this.rules.push(rule)
    return rule
  }

  remove(id: string): boolean {
    const before = this.rules.length
    this.rules = this.rules.filter((r) => r.id !== id)
    return this.rules.length !== before
  }

  clear(tenantId?: string): void {
    this.rules = tenantId ? this.rules.filter((r) => r.tenantId !== tenantId.toLowerCase()) : []
    this.buckets.clear()
  }

  private matches(r: FaultRule, c: FaultContext): boolean {
    if (r.origin && r.origin !== c.origin) return false
    if (r.tenantId && r.tenantId !== c.tenant) return false
    if (r.clientId && r.clientId !== c.clientId) return false
    if (r.method && r.method.toUpperCase() !== c.method) return false
    if (r.pathContains && !c.path.toLowerCase().includes(r.pathContains)) return false
    const connectionReset = r.kind === 'reset' && r.pathContains === undefined
    if (c.batchEnvelope === true && r.pathContains?.includes('$batch') !== true && !connectionReset)
      return false
    if (c.batchItem === true && connectionReset) return false
    return true
  }

  private consume(r: FaultRule): void {
    r.hits += 1
    if (r.times !== undefined && r.hits >= r.times) this.remove(r.id)
  }

  /** Latency rules all add up; the first matching throttle/error/reset/bucket rule decides the response. */
  decide(c: FaultContext, nowMs: number): FaultDecision {
    if (this.rules.length === 0) return { kind: 'none', delayMs: 0 }
    let delayMs = 0
    for (const r of [...this.rules]) {
      if (!this.matches(r, c)) continue
      if (r.kind === 'bucket') {
        const key = `${r.id}|${c.tenant ?? ''}|${c.clientId ?? ''}`
        const cap = r.capacity ?? 10
        const b = this.buckets.get(key) ?? { tokens: cap, last: nowMs }
        b.tokens = Math.min(cap, b.tokens + ((nowMs - b.last) / 1000) * (r.refillPerSecond ?? 1))
        b.last = nowMs
        this.buckets.set(key, b)
        if (b.tokens >= 1) {
          b.tokens -= 1
          continue
        }
        r.hits += 1
        const exact = (1 - b.tokens) / (r.refillPerSecond ?? 1)
        const wait =
          r.retryAfterSeconds === undefined
            ? r.retryAfterFormat === 'decimal'
              ? exact
              : Math.max(1, exact)
            : r.retryAfterSeconds
        return {
          kind: 'respond',
          delayMs,
          status: 429,
          retryAfter: formatRetryAfter(r, wait),
          label: 'bucket',
        }
      }
      if ((r.probability ?? 1) < 1 && this.random() >= (r.probability ?? 1)) continue
      if (r.kind === 'latency') {
        const min = r.latencyMs ?? 0
        const max = r.latencyMaxMs ?? min
        delayMs += min + (max > min ? this.random() * (max - min) : 0)
        this.consume(r)
        continue
      }
      this.consume(r)
      if (r.kind === 'reset') return { kind: 'reset', delayMs }
      if (r.kind === 'throttle') {
        return {
          kind: 'respond',
          delayMs,
          status: 429,
          retryAfter: formatRetryAfter(r, r.retryAfterSeconds === undefined ? 1 : r.retryAfterSeconds),
          label: 'throttle',
        }
      }
      const status = r.status ?? 503
      return {
        kind: 'respond',
        delayMs,
        status,
        retryAfter: formatRetryAfter(r, r.retryAfterSeconds ?? null),
        label: `error${status}`,
      }
    }
    return { kind: 'none', delayMs }
  }
}

/** The number to send in Retry-After for this rule: whole seconds (rounded up) unless the rule asks for decimals. */
function formatRetryAfter(r: FaultRule, seconds: number | null): number | null {
  if (seconds === null) return null
  if (r.retryAfterFormat === 'decimal') return Math.round(seconds * 1000) / 1000
  return Math.ceil(seconds)
}
