import { createHmac, timingSafeEqual } from 'node:crypto'

// Webhook signatures in Stripe's shape: `X-Crosstrust-Signature: t=<unix seconds>,v1=<hex>` where hex is
// HMAC-SHA256(secret, "<t>.<raw body>"). Signing the timestamp with the body lets receivers reject replays
// of an old delivery; several v1 entries are allowed so a secret can be rotated without downtime.

export const SIGNATURE_HEADER = 'X-Crosstrust-Signature'
export const EVENT_HEADER = 'X-Crosstrust-Event'
export const DELIVERY_HEADER = 'X-Crosstrust-Delivery'
export const DEFAULT_TOLERANCE_SECONDS = 300

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')
}

/** The signature header value for `body` (the exact bytes sent) at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'outside_tolerance' | 'signature_mismatch' }

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=')
    if (key === undefined || value === undefined || rest.length > 0) return null
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures }
}

/** Checks a received signature header against the raw body; rejects timestamps outside ±tolerance. */
export function verifyWebhook(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds: number,
  now: Date,
): VerifyResult {
  const parsed = parseHeader(header)
  if (parsed === null) return { ok: false, reason: 'malformed' }
  const nowSeconds = Math.floor(now.getTime() / 1000)
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds)
    return { ok: false, reason: 'outside_tolerance' }
  const expected = Buffer.from(hmacHex(secret, parsed.timestamp, body), 'hex')
  // Compare every candidate in constant time and without short-circuiting.
  let matched = false
  for (const signature of parsed.signatures) {
    if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) matched = true
  }
  return matched ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'signature_mismatch' }
}

/** Headers for one delivery: content type, signature, event type and delivery (dedupe) id. */
export function webhookHeaders(
  secret: string,
  now: Date,
  body: string,
  event: { type: string; deliveryId: string },
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(now.getTime() / 1000), body),
    [EVENT_HEADER]: event.type,
    [DELIVERY_HEADER]: event.deliveryId,
  }
}
