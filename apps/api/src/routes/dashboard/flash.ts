// One-time messages after POST-redirect-GET. The message travels in a sealed (encrypted, authenticated)
// cookie rather than the query string because some of them carry a secret shown exactly once (a new
// consent link, a webhook signing secret): secrets must not end up in URLs, history or access logs. The
// cookie lives two minutes and is cleared by the first page that shows it.
import { createHash, hkdfSync } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { seal, unseal } from '../../auth/session.ts'

export interface Flash {
  tone: 'ok' | 'bad' | 'info'
  text: string
  /** A value shown once with a copy button (consent link URL, webhook secret). */
  reveal?: { label: string; value: string }
}

const COOKIE = 'ct_flash'
const MAX_AGE_SECONDS = 120

export class FlashStore {
  private readonly key: Uint8Array

  constructor(
    secret: string,
    private readonly secure: boolean,
  ) {
    const salt = createHash('sha256').update('crosstrust-dashboard').digest()
    this.key = new Uint8Array(hkdfSync('sha256', secret, salt, 'crosstrust flash v1', 32))
  }

  async set(reply: FastifyReply, flash: Flash): Promise<void> {
    const value = await seal({ flash }, this.key, MAX_AGE_SECONDS)
    reply.setCookie(COOKIE, value, {
      path: '/',
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax',
      maxAge: MAX_AGE_SECONDS,
    })
  }

  /** The pending message, if any; clears it so a reload does not show it (or its secret) again. */
  async take(request: FastifyRequest, reply: FastifyReply): Promise<Flash | null> {
    const raw = request.cookies[COOKIE]
    if (raw === undefined) return null
    reply.clearCookie(COOKIE, { path: '/', httpOnly: true, secure: this.secure, sameSite: 'lax' })
    const claims = await unseal(raw, this.key)
    const flash = claims?.flash
    if (typeof flash !== 'object' || flash === null) return null
    const f = flash as Record<string, unknown>
    if (typeof f.text !== 'string' || (f.tone !== 'ok' && f.tone !== 'bad' && f.tone !== 'info')) return null
    const reveal = f.reveal as Record<string, unknown> | undefined
    return {
      tone: f.tone,
      text: f.text,
      ...(reveal && typeof reveal.label === 'string' && typeof reveal.value === 'string'
        ? { reveal: { label: reveal.label, value: reveal.value } }
        : {}),
    }
  }
}
