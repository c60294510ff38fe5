import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// Consent-link tokens: 256 random bits, shown once in the link, stored only as a sha256 hash, so a
// database leak does not hand out working links.

export function generateConsentToken(): string {
  return randomBytes(32).toString('base64url')
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,128}$/

/**
 * Whether a presented token or secret could be one of ours (base64url, a sane length) before any lookup: a
 * malformed value is answered without touching the database.
 */
export function isTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value)
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Constant-time string equality (length differences return false without early exit on content). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8')
  const right = Buffer.from(b, 'utf8')
  if (left.length !== right.length) {
    timingSafeEqual(left, left)
    return false
  }
  return timingSafeEqual(left, right)
}

/** Whether `token` hashes to `storedHash`, compared in constant time. */
export function tokenMatchesHash(token: string, storedHash: string): boolean {
  return constantTimeEqual(hashToken(token), storedHash)
}
