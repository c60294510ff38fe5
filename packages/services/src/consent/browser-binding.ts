// Binds a consent attempt to the browser that started it. The secret lives only in that browser's HttpOnly,
// SameSite=Lax cookie; the database keeps its hash. A `state` replayed from another browser (a leaked link,
// a forged callback) finds no matching cookie and changes nothing.
import { timingSafeEqual } from 'node:crypto'
import { generateConsentToken, hashToken } from '@crosstrust/core'

/** The browser's cookies, by attempt: each attempt has its own cookie, so tabs never overwrite each other. */
export type BrowserSecrets = (attemptId: string) => string | undefined

/** One cookie per attempt; its value is never reused from the request (a planted cookie binds nothing). */
export function consentCookieName(attemptId: string): string {
  return `crosstrust_consent_${attemptId.replaceAll('-', '')}`
}

export function newBrowserSecret(): string {
  return generateConsentToken()
}

export function browserHash(secret: string): string {
  return hashToken(secret)
}

export function sameBrowser(storedHash: string, secret: string | undefined): boolean {
  if (secret === undefined || secret === '' || storedHash === '') return false
  const a = Buffer.from(storedHash)
  const b = Buffer.from(browserHash(secret))
  return a.length === b.length && timingSafeEqual(a, b)
}
