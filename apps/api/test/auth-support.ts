// Shared by the auth tests: a real simulator with the demo staff tenant, a small app that carries the
// auth plugin, and real tokens obtained the way the CLI gets them (authorization code + PKCE).
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import { createLogger } from '@crosstrust/logger'
import { buildDemoSeed, DEMO_IDS, startSimulator, type RunningSimulator } from '@crosstrust/ms-sim'
import { importPKCS8, SignJWT } from 'jose'
import Fastify, { type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import {
  authPlugin,
  type AuthConfig,
  type RoutePolicyTable,
  type SessionRevocations,
} from '../src/auth/index.ts'
import { problemPlugin } from '../src/plugins/problem.ts'

export { freePort } from '@crosstrust/testkit'

export const STAFF_TENANT = DEMO_IDS.partnerTenantId
export const STAFF_APP = DEMO_IDS.staffAppClientId
export const STAFF_SECRET = 'test-staff-secret-0123456789'
export const STAFF = DEMO_IDS.staff
export const SESSION_SECRET = 'test-session-secret-0123456789-abcdefghijklmnop'

export async function startStaffSimulator(redirectUris: string[]): Promise<RunningSimulator> {
  return startSimulator({
    seed: buildDemoSeed({ staffAppSecret: STAFF_SECRET, staffRedirectUris: redirectUris }),
  })
}

export function authConfig(
  sim: RunningSimulator,
  publicBaseUrl: string,
  over: Partial<AuthConfig> = {},
): AuthConfig {
  return {
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: publicBaseUrl,
    MS_LOGIN_URL: sim.loginUrl,
    STAFF_TENANT_ID: STAFF_TENANT,
    STAFF_CLIENT_ID: STAFF_APP,
    STAFF_CLIENT_SECRET: STAFF_SECRET,
    SESSION_SECRET,
    ...over,
  }
}

/** An app shaped like buildApp (problem+json, cookies, forms, rate limits) with the auth plugin and `routes`. */
export async function buildAuthApp(
  config: AuthConfig,
  opts: {
    policy?: RoutePolicyTable
    routes?: (app: FastifyInstance) => void
    revocations?: SessionRevocations
  } = {},
): Promise<FastifyInstance> {
  const logger = createLogger({ name: 'api-auth-test', level: 'silent' })
  const app = Fastify({ logger: false })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  await app.register(problemPlugin)
  await app.register(rateLimit, { global: false })
  await app.register(formbody)
  await app.register(cookie)
  await app.register(authPlugin, {
    config,
    logger,
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.revocations ? { revocations: opts.revocations } : {}),
  })
  opts.routes?.(app)
  await app.ready()
  return app
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/**
 * A real delegated access token for the staff API, obtained as the CLI would: the user is picked on the
 * simulator's authorize page (form post), then the code is redeemed with PKCE at the token endpoint.
 */
export async function userAccessToken(
  sim: RunningSimulator,
  userId: string,
  redirectUri: string,
  scope = `api://${STAFF_APP}/access_as_user`,
): Promise<string> {
  const { verifier, challenge } = pkce()
  const state = randomBytes(8).toString('hex')
  const authorize = await fetch(`${sim.loginUrl}/${STAFF_TENANT}/oauth2/v2.0/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      client_id: STAFF_APP,
      redirect_uri: redirectUri,
      response_type: 'code',
      response_mode: 'query',
      scope: `${scope} openid profile`,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      user_id: userId,
    }),
  })
  const location = authorize.headers.get('location')
  if (authorize.status !== 302 || !location) throw new Error(`authorize answered ${authorize.status}`)
  const code = new URL(location).searchParams.get('code')
  if (!code) throw new Error(`no code in ${location}`)
  const token = await fetch(`${sim.loginUrl}/${STAFF_TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: STAFF_APP,
      client_secret: STAFF_SECRET,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      scope,
    }),
  })
  const body = (await token.json()) as { access_token?: string; error_description?: string }
  if (!body.access_token) throw new Error(`token endpoint: ${body.error_description ?? token.status}`)
  return body.access_token
}

export interface RoleTokens {
  Viewer: string
  Operator: string
  Admin: string
  noRole: string
}

export async function roleTokens(sim: RunningSimulator, redirectUri: string): Promise<RoleTokens> {
  const [Viewer, Operator, Admin, noRole] = await Promise.all(
    [STAFF.viewer, STAFF.operator, STAFF.admin, STAFF.noRole].map((id) =>
      userAccessToken(sim, id, redirectUri),
    ),
  )
  if (!Viewer || !Operator || !Admin || !noRole) throw new Error('missing token')
  return { Viewer, Operator, Admin, noRole }
}

/** Claims of a valid staff access token, for forging tokens that differ in exactly one respect. */
export function accessClaims(
  sim: RunningSimulator,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    aud: STAFF_APP,
    iss: `${sim.loginUrl}/${STAFF_TENANT}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    azp: STAFF_APP,
    idtyp: 'user',
    name: 'Alva Admin',
    oid: STAFF.admin,
    preferred_username: 'alva@truesecdetect.io',
    scp: 'access_as_user',
    sub: randomBytes(24).toString('base64url'),
    tid: STAFF_TENANT,
    ver: '2.0',
    roles: ['Admin'],
    ...over,
  }
}

/** Cookie jar of one browser: `name=value` pairs from Set-Cookie, sent back as a Cookie header. */
export class CookieJar {
  private readonly cookies = new Map<string, string>()

  store(setCookie: string[]): void {
    for (const line of setCookie) {
      const [pair] = line.split(';')
      if (!pair) continue
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = /max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value)
  }
}

const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/**
 * One token per way a bearer token can be wrong, each otherwise valid: signed by the simulator's real key
 * unless the signature is the point. For `walkRoutePolicyMatrix(app, { bad: await badTokens(sim) })`.
 */
export async function badTokens(sim: RunningSimulator): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000)
  const sign = (over: Record<string, unknown>) => sim.state.keys.sign(accessClaims(sim, over))
  const otherTenant = DEMO_IDS.customers.contoso
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const foreignKey = await importPKCS8(
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    'RS256',
  )
  return {
    expired: await sign({ iat: now - 7200, nbf: now - 7200, exp: now - 600 }),
    'not yet valid': await sign({ nbf: now + 900 }),
    'wrong audience': await sign({ aud: 'https://graph.microsoft.com' }),
    'wrong issuer': await sign({ iss: 'https://evil.example/x/v2.0' }),
    'wrong tenant': await sign({ iss: `${sim.loginUrl}/${otherTenant}/v2.0`, tid: otherTenant }),
    'bad signature': await new SignJWT(accessClaims(sim))
      .setProtectedHeader({ alg: 'RS256', kid: sim.state.keys.activeKid })
      .sign(foreignKey),
    'alg none': `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(accessClaims(sim))}.`,
    garbage: 'not-a-token',
  }
}
