// XSS payloads and the checks that a response rendered them as text, shared by the HTTP and browser tests.
import { expect } from 'vitest'
import type { Fetched } from './consent-steps.ts'

export const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  '</title><script>alert(document.domain)</script>',
  '`${alert(1)}`<iframe src=javascript:alert(1)>',
]

/** The HTML-escaped form the page must contain instead. */
export function escaped(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** No markup from the payload survives: no tag it opened, no attribute it broke out into. */
export function expectInert(res: Fetched, payload: string): void {
  expect(res.body).not.toContain(payload)
  for (const tag of ['<script>alert', '<img', '<svg', '<iframe', '</title><script']) {
    expect(res.body.toLowerCase()).not.toContain(tag)
  }
}

export function expectSecurityHeaders(res: Fetched): void {
  const csp = res.headers.get('content-security-policy') ?? ''
  expect(csp).toContain("default-src 'self'")
  expect(csp).toContain("script-src 'self'")
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).not.toContain('unsafe-inline')
  expect(csp).not.toContain('unsafe-eval')
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
}
