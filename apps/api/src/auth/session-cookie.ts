// Reads and writes the two cookies of dashboard sign-in: the short-lived sign-in cookie (PKCE verifier,
// state, nonce, where to return) and the session cookie. Both are sealed with keys derived from
// SESSION_SECRET (see session.ts for why the session is a cookie and not a server-side record).
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { csrfTokenFor } from './csrf.ts'
import type { Principal } from './principal.ts'
import { isRole, type Role } from './roles.ts'
import {
  deriveKeys,
  randomId,
  seal,
  SESSION_MAX_AGE_SECONDS,
  SIGN_IN_MAX_AGE_SECONDS,
  unseal,
} from './session.ts'
import type { SessionKeys } from './session.ts'
import { checkRevoked, type SessionRevocations } from './session-revocation.ts'

export interface PendingSignIn {
  state: string
  nonce: string
  verifier: string
  returnTo: string
}

interface SessionRecord {
  principal: Principal
  sid: string
  exp: number
}

export class SessionStore {
  readonly sessionCookie: string
  readonly signInCookie: string
  private readonly keys: SessionKeys
  private readonly cache = new WeakMap<FastifyRequest, SessionRecord | null>()

  constructor(
    secret: string,
    private readonly secure: boolean,
    private readonly revocations?: SessionRevocations,
  ) {
    this.keys = deriveKeys(secret)
    // `__Host-` cookies are only accepted over https, from this exact host, for the whole site.
    this.sessionCookie = secure ? '__Host-ct_session' : 'ct_session'
    this.signInCookie = secure ? '__Host-ct_signin' : 'ct_signin'
  }

  get csrfKey(): Buffer {
    return this.keys.csrf
  }

  private cookieOptions(maxAge: number): CookieSerializeOptions {
    return { path: '/', httpOnly: true, secure: this.secure, sameSite: 'lax', maxAge }
  }

  // ---------- session ----------

  private async record(request: FastifyRequest): Promise<SessionRecord | null> {
    const cached = this.cache.get(request)
    if (cached !== undefined) return cached
    const rec = await this.decode(request)
    this.cache.set(request, rec)
    return rec
  }

  private async decode(request: FastifyRequest): Promise<SessionRecord | null> {
    const claims = await unseal(request.cookies[this.sessionCookie], this.keys.session)
    if (
      !claims ||
      typeof claims.sid !== 'string' ||
      typeof claims.oid !== 'string' ||
      typeof claims.exp !== 'number'
    ) {
      return null
    }
    if (this.revocations) {
      const revoked = await checkRevoked(this.revocations, claims.sid, (err) => {
        request.log.warn(
          { reason: err instanceof Error ? err.message : 'unknown' },
          'session revocation check failed',
        )
      })
      if (revoked) return null
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : '')
    const roles: Role[] = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : []
    return {
      sid: claims.sid,
      exp: claims.exp,
      principal: {
        oid: claims.oid,
        tid: str(claims.tid),
        name: str(claims.name),
        username: str(claims.username),
        roles,
        via: 'session',
      },
    }
  }

  async read(request: FastifyRequest): Promise<Principal | null> {
    return (await this.record(request))?.principal ?? null
  }

  /** The session id of a request whose session was already read (CSRF binding). */
  sessionId(request: FastifyRequest): string | undefined {
    return this.cache.get(request)?.sid
  }

  csrfToken(request: FastifyRequest): string {
    const sid = this.sessionId(request)
    if (!sid) throw new Error('csrfToken() needs a signed-in dashboard session')
    return csrfTokenFor(this.keys.csrf, sid)
  }

  /** Starts a new session (a new id every sign-in, so nothing from before sign-in carries over). */
  async create(reply: FastifyReply, principal: Omit<Principal, 'via'>): Promise<void> {
    const { oid, tid, name, username, roles } = principal
    const value = await seal(
      { sid: randomId(), oid, tid, name, username, roles },
      this.keys.session,
      SESSION_MAX_AGE_SECONDS,
    )
    reply.setCookie(this.sessionCookie, value, this.cookieOptions(SESSION_MAX_AGE_SECONDS))
  }

  /** Ends the request's session: the cookie is cleared and, with a revocation store, the id revoked everywhere. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rec = this.cache.get(request)
    if (rec && this.revocations) await this.revocations.revoke(rec.sid, rec.exp)
    reply.clearCookie(this.sessionCookie, this.cookieOptions(0))
  }

  // ---------- sign-in in progress ----------

  async startSignIn(reply: FastifyReply, pending: PendingSignIn): Promise<void> {
    const value = await seal({ ...pending }, this.keys.signIn, SIGN_IN_MAX_AGE_SECONDS)
    reply.setCookie(this.signInCookie, value, this.cookieOptions(SIGN_IN_MAX_AGE_SECONDS))
  }

  /** The sign-in this browser started (at most 10 minutes ago); the cookie is single use. */
  async takeSignIn(request: FastifyRequest, reply: FastifyReply): Promise<PendingSignIn | null> {
    const claims = await unseal(request.cookies[this.signInCookie], this.keys.signIn)
    reply.clearCookie(this.signInCookie, this.cookieOptions(0))
    if (!claims) return null
    const { state, nonce, verifier, returnTo } = claims
    if (
      typeof state !== 'string' ||
      typeof nonce !== 'string' ||
      typeof verifier !== 'string' ||
      typeof returnTo !== 'string'
    ) {
      return null
    }
    return { state, nonce, verifier, returnTo }
  }
}
