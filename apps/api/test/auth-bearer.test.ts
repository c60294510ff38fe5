// Bearer JWTs for the JSON API and CLI, validated against the simulator's real JWKS: each way a token can
// be wrong is refused with 401, each role is accepted, and roles are enforced per route.
import { generateKeyPairSync, createHmac } from 'node:crypto'
import type { RunningSimulator } from '@crosstrust/ms-sim'
import type { FastifyInstance } from 'fastify'
import { SignJWT, importPKCS8 } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RoutePolicyTable } from '../src/auth/index.ts'
import { auditActor } from '../src/auth/index.ts'
import {
  IdentityProviderUnavailableError,
  JWKS_COOLDOWN_MS,
  TokenVerifier,
} from '../src/auth/token-verifier.ts'
import {
  accessClaims,
  authConfig,
  buildAuthApp,
  roleTokens,
  STAFF,
  STAFF_APP,
  STAFF_TENANT,
  startStaffSimulator,
  userAccessToken,
  type RoleTokens,
} from './auth-support.ts'

const REDIRECT = 'http://127.0.0.1:1/auth/callback'

const POLICY: RoutePolicyTable = [
  { method: '*', url: '/auth/*', access: 'public' },
  { method: 'GET', url: '/open', access: 'public' },
  { method: 'GET', url: '/api/v1/read', access: 'Viewer' },
  { method: 'POST', url: '/api/v1/act', access: 'Operator' },
  { method: 'DELETE', url: '/api/v1/admin', access: 'Admin' },
]

let sim: RunningSimulator
let app: FastifyInstance
let tokens: RoleTokens

beforeAll(async () => {
  sim = await startStaffSimulator([REDIRECT])
  app = await buildAuthApp(authConfig(sim, 'http://127.0.0.1:1'), {
    policy: POLICY,
    routes: (a) => {
      a.get('/open', (req) => ({ principal: req.principal }))
      a.get('/api/v1/read', (req) => ({ principal: req.principal, actor: auditActor(req) }))
      a.post('/api/v1/act', () => ({ done: true }))
      a.delete('/api/v1/admin', () => ({ done: true }))
    },
  })
  tokens = await roleTokens(sim, REDIRECT)
})

afterAll(async () => {
  await app.close()
  await sim.close()
})

function read(token?: string, authorization = token === undefined ? undefined : `Bearer ${token}`) {
  return app.inject({ method: 'GET', url: '/api/v1/read', headers: authorization ? { authorization } : {} })
}

function expectInvalidToken(res: Awaited<ReturnType<typeof read>>) {
  expect(res.statusCode).toBe(401)
  expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"')
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(res.json()).toMatchObject({ status: 401, code: 'invalid_token' })
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

describe('bearer tokens from the simulator', () => {
  it('accepts a real access token for each role and exposes the principal', async () => {
    for (const [role, oid] of [
      ['Viewer', STAFF.viewer],
      ['Operator', STAFF.operator],
      ['Admin', STAFF.admin],
    ] as const) {
      const res = await read(tokens[role])
      expect(res.statusCode, role).toBe(200)
      const body = res.json<{ principal: Record<string, unknown>; actor: Record<string, unknown> }>()
      expect(body.principal).toMatchObject({ oid, tid: STAFF_TENANT, roles: [role], via: 'bearer' })
      expect(body.actor).toMatchObject({ actorType: 'staff', actorId: oid })
      expect(typeof body.actor.actorName).toBe('string')
    }
  })

  it('enforces the minimum role per route (Viewer < Operator < Admin)', async () => {
    const call = (method: 'POST' | 'DELETE', url: string, token: string) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: {} })
    expect((await call('POST', '/api/v1/act', tokens.Viewer)).statusCode).toBe(403)
    expect((await call('POST', '/api/v1/act', tokens.Operator)).statusCode).toBe(200)
    expect((await call('POST', '/api/v1/act', tokens.Admin)).statusCode).toBe(200)
    expect((await call('DELETE', '/api/v1/admin', tokens.Operator)).statusCode).toBe(403)
    expect((await call('DELETE', '/api/v1/admin', tokens.Admin)).statusCode).toBe(200)
    const denied = await call('POST', '/api/v1/act', tokens.Viewer)
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(denied.json()).toMatchObject({ status: 403, code: 'insufficient_role', requiredRole: 'Operator' })
  })

  it('gives a signed-in user without any staff role 403, not access', async () => {
    const res = await read(tokens.noRole)
    expect(res.statusCode).toBe(403)
  })

  it('answers a missing token with 401 and WWW-Authenticate: Bearer', async () => {
    const res = await read()
    expect(res.statusCode).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer')
    expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated' })
  })

  it('refuses a non-Bearer or malformed Authorization header', async () => {
    expectInvalidToken(await read(undefined, `Basic ${Buffer.from('a:b').toString('base64')}`))
    expectInvalidToken(await read(undefined, 'Bearer'))
    expectInvalidToken(await read('not.a.jwt'))
  })

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000)
    expectInvalidToken(
      await read(
        await sim.state.keys.sign(accessClaims(sim, { iat: now - 7200, nbf: now - 7200, exp: now - 600 })),
      ),
    )
  })

  it('refuses a token that is not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000)
    expectInvalidToken(await read(await sim.state.keys.sign(accessClaims(sim, { nbf: now + 900 }))))
  })

  it('refuses a token for another audience (e.g. Microsoft Graph)', async () => {
    expectInvalidToken(
      await read(await sim.state.keys.sign(accessClaims(sim, { aud: 'https://graph.microsoft.com' }))),
    )
    expectInvalidToken(
      await read(
        await sim.state.keys.sign(accessClaims(sim, { aud: '11111111-2222-3333-4444-555555555555' })),
      ),
    )
  })

  it('accepts the application ID URI as audience too', async () => {
    const res = await read(await sim.state.keys.sign(accessClaims(sim, { aud: `api://${STAFF_APP}` })))
    expect(res.statusCode).toBe(200)
  })

  it('refuses a token from another issuer', async () => {
    expectInvalidToken(
      await read(await sim.state.keys.sign(accessClaims(sim, { iss: 'https://evil.example/x/v2.0' }))),
    )
    // The same login host but another tenant's issuer.
    const other = '6b1c0f7a-2d3e-4c5f-9a8b-1e2d3c4b5a60'
    expectInvalidToken(
      await read(
        await sim.state.keys.sign(accessClaims(sim, { iss: `${sim.loginUrl}/${other}/v2.0`, tid: other })),
      ),
    )
  })

  it('refuses a token whose tid is another tenant even if the issuer matches', async () => {
    expectInvalidToken(
      await read(
        await sim.state.keys.sign(accessClaims(sim, { tid: '6b1c0f7a-2d3e-4c5f-9a8b-1e2d3c4b5a60' })),
      ),
    )
    expectInvalidToken(await read(await sim.state.keys.sign(accessClaims(sim, { tid: undefined }))))
  })

  it('refuses a token signed with a key the simulator does not publish', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const key = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256')
    const claims = accessClaims(sim)
    // Same kid as the simulator's real key: only the signature differs.
    const forgedSameKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: sim.state.keys.activeKid })
      .sign(key)
    expectInvalidToken(await read(forgedSameKid))
    const forgedOwnKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' })
      .sign(key)
    expectInvalidToken(await read(forgedOwnKid))
  })

  it('refuses a valid token whose payload was altered (roles escalated)', async () => {
    const [h, , s] = tokens.Viewer.split('.')
    const payload = JSON.parse(
      Buffer.from(tokens.Viewer.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>
    expectInvalidToken(await read(`${h ?? ''}.${b64({ ...payload, roles: ['Admin'] })}.${s ?? ''}`))
  })

  it('refuses alg: none', async () => {
    const claims = accessClaims(sim)
    expectInvalidToken(await read(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`))
    expectInvalidToken(
      await read(`${b64({ alg: 'none', typ: 'JWT', kid: sim.state.keys.activeKid })}.${b64(claims)}.`),
    )
  })

  it('refuses HS256 signed with the public key material (algorithm confusion)', async () => {
    const jwk = sim.state.keys.jwks().keys[0]
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: sim.state.keys.activeKid })
    const body = b64(accessClaims(sim))
    const sig = createHmac('sha256', String(jwk?.n)).update(`${header}.${body}`).digest('base64url')
    expectInvalidToken(await read(`${header}.${body}.${sig}`))
  })

  it('refuses the staff app id token presented as an access token', async () => {
    const idToken = await sim.state.keys.sign(
      accessClaims(sim, { scp: undefined, idtyp: undefined, azp: undefined, nonce: 'n', roles: ['Admin'] }),
    )
    expectInvalidToken(await read(idToken))
  })

  it('refuses a real access token issued for Microsoft Graph instead of our API', async () => {
    // Same user, same tenant, same simulator, but a Graph scope: the audience is Graph.
    const graphToken = await userAccessToken(
      sim,
      STAFF.admin,
      REDIRECT,
      'https://graph.microsoft.com/User.Read',
    )
    expectInvalidToken(await read(graphToken))
  })

  it('does not look at tokens on public routes', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/open',
      headers: { authorization: 'Bearer garbage' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ principal: null })
  })

  it('keeps accepting tokens after the simulator rotates its signing key', async () => {
    const fresh = await buildAuthApp(authConfig(sim, 'http://127.0.0.1:1'), {
      policy: POLICY,
      routes: (a) => a.get('/api/v1/read', () => ({})),
    })
    try {
      const get = (token: string) =>
        fresh.inject({ method: 'GET', url: '/api/v1/read', headers: { authorization: `Bearer ${token}` } })
      expect((await get(tokens.Viewer)).statusCode).toBe(200)
      await sim.state.keys.rotate()
      // Signed with a key the app has not seen yet: once the download cooldown is over, the key set is
      // fetched again (until then the token is refused, which the first assertion shows).
      const rotated = await userAccessToken(sim, STAFF.operator, REDIRECT)
      expect((await get(rotated)).statusCode).toBe(401)
      await new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN_MS + 200))
      expect((await get(rotated)).statusCode).toBe(200)
      // The old key is still published, so tokens signed before the rotation stay valid.
      expect((await get(tokens.Viewer)).statusCode).toBe(200)
    } finally {
      await fresh.close()
    }
  })
})

describe('verified tokens are remembered, never beyond what verification allows', () => {
  const verifierAt = (clock: { now: number }) =>
    new TokenVerifier(
      { loginUrl: sim.loginUrl, tenantId: STAFF_TENANT, issuer: `${sim.loginUrl}/${STAFF_TENANT}/v2.0` },
      () => clock.now,
    )

  it('refuses a remembered token once it has expired (past the clock tolerance)', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await sim.state.keys.sign(accessClaims(sim, { iat: now, nbf: now, exp: now + 120 }))
    const clock = { now: now * 1000 }
    const verifier = verifierAt(clock)
    await expect(verifier.verify(token, { audience: [STAFF_APP] })).resolves.toMatchObject({ exp: now + 120 })
    clock.now = (now + 150) * 1000 // expired, but within the 60 s tolerance: still accepted
    await expect(verifier.verify(token, { audience: [STAFF_APP] })).resolves.toMatchObject({ exp: now + 120 })
    clock.now = (now + 120 + 61) * 1000
    await expect(verifier.verify(token, { audience: [STAFF_APP] })).rejects.toThrow('token expired')
  })

  it('answers from memory within the minute, and never remembers a refusal', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await sim.state.keys.sign(accessClaims(sim, { iat: now, nbf: now, exp: now + 600 }))
    const clock = { now: (now + 700) * 1000 }
    const verifier = verifierAt(clock)
    // Refused (expired at this clock) and not remembered: the same token is accepted once the clock allows.
    await expect(verifier.verify(token, { audience: [STAFF_APP] })).rejects.toThrow('token expired')
    clock.now = now * 1000
    await expect(verifier.verify(token, { audience: [STAFF_APP] })).resolves.toBeDefined()
    // Remembered: 30 s earlier than its nbf allows (past the tolerance), a fresh check would refuse it.
    clock.now = (now - 90) * 1000
    await expect(verifier.verify(token, { audience: [STAFF_APP] })).resolves.toBeDefined()
    await expect(verifierAt(clock).verify(token, { audience: [STAFF_APP] })).rejects.toThrow('nbf')
  })

  it('does not answer with a token remembered under other required claims', async () => {
    const verifier = verifierAt({ now: Date.now() })
    await expect(verifier.verify(tokens.Viewer, { audience: [STAFF_APP] })).resolves.toBeDefined()
    await expect(
      verifier.verify(tokens.Viewer, { audience: [STAFF_APP], requiredClaims: ['nonce'] }),
    ).rejects.toThrow('claim nonce is not acceptable')
  })

  it('does not answer a request for another audience with a token remembered for ours', async () => {
    const verifier = verifierAt({ now: Date.now() })
    await expect(verifier.verify(tokens.Viewer, { audience: [STAFF_APP] })).resolves.toBeDefined()
    await expect(
      verifier.verify(tokens.Viewer, { audience: ['00000003-0000-0000-c000-000000000000'] }),
    ).rejects.toThrow('claim aud is not acceptable')
  })
})

describe('identity provider unreachable', () => {
  it('is reported as unavailable (503 at the API), not as a bad token', async () => {
    const verifier = new TokenVerifier({
      loginUrl: 'https://127.0.0.1:9',
      tenantId: STAFF_TENANT,
      issuer: `https://127.0.0.1:9/${STAFF_TENANT}/v2.0`,
    })
    await expect(verifier.verify(tokens.Viewer, { audience: [STAFF_APP] })).rejects.toBeInstanceOf(
      IdentityProviderUnavailableError,
    )
    const down = await buildAuthApp(
      authConfig(sim, 'http://127.0.0.1:1', { MS_LOGIN_URL: 'https://127.0.0.1:9' }),
      {
        policy: POLICY,
        routes: (a) => a.get('/api/v1/read', () => ({})),
      },
    )
    try {
      const res = await down.inject({
        method: 'GET',
        url: '/api/v1/read',
        headers: { authorization: `Bearer ${tokens.Viewer}` },
      })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({ code: 'identity_provider_unavailable' })
    } finally {
      await down.close()
    }
  })
})
