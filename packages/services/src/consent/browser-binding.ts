// Binds a consent attempt to the browser that started it. The secret lives only in that browser's HttpOnly,
// SameSite=Lax cookie; the database keeps its hash. A `state` replayed from another browser (a leaked link,
// a forged callback) finds no matching cookie and changes nothing.
import { timingSafeEqual } from 'node:crypto'
import { generateConsentToken, hashToken } from '@crosstrust/core'

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
