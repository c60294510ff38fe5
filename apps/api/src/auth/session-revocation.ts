// Sign-out must end a session even if someone kept a copy of the cookie. The session cookie itself is
// stateless, so revoked session ids are remembered in Redis until the session would have expired anyway
// (at most 8 h, so the set stays small). Every instance sees the same set.
import type { Redis } from 'ioredis'

export interface SessionRevocations {
  revoke(sid: string, expiresAtSeconds: number): Promise<void>
  isRevoked(sid: string): Promise<boolean>
}

export function redisSessionRevocations(redis: Redis, prefix: string): SessionRevocations {
  const key = (sid: string) => `${prefix}:revoked-session:${sid}`
  return {
    async revoke(sid, expiresAtSeconds) {
      const ttl = Math.max(1, expiresAtSeconds - Math.floor(Date.now() / 1000))
      await redis.set(key(sid), '1', 'EX', ttl)
    },
    async isRevoked(sid) {
      return (await redis.exists(key(sid))) === 1
    },
  }
}

const CHECK_TIMEOUT_MS = 500

/**
 * Asks the revocation set, but never lets Redis trouble lock staff out or hang a request: if Redis does not
 * answer within 500 ms the session is accepted and the failure reported (the cookie is still sealed,
 * unexpired and bound to its sign-in).
 */
export async function checkRevoked(
  revocations: SessionRevocations,
  sid: string,
  onError: (err: unknown) => void,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      revocations.isRevoked(sid),
      new Promise<boolean>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new Error('revocation check timed out'))
        }, CHECK_TIMEOUT_MS)
      }),
    ])
  } catch (err) {
    onError(err)
    return false
  } finally {
    clearTimeout(timer)
  }
}
