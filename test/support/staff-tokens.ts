// Real staff access tokens for a running system (startSystem): each user signs in on the simulator's
// authorize page and the code is redeemed with PKCE at the token endpoint, as the CLI's `login` does.
import { createHash, randomBytes } from 'node:crypto'
import { DEMO_IDS, type System } from './system.ts'

export type StaffUser = keyof typeof DEMO_IDS.staff

export async function staffToken(sys: System, user: StaffUser): Promise<string> {
  return staffTokenAt(
    {
      baseUrl: sys.baseUrl,
      loginUrl: sys.sim.loginUrl,
      tenantId: sys.config.STAFF_TENANT_ID,
      clientId: sys.config.STAFF_CLIENT_ID ?? DEMO_IDS.staffAppClientId,
      clientSecret: sys.config.STAFF_CLIENT_SECRET ?? '',
    },
    user,
  )
}

/** Where a staff user signs in: any running Crosstrust (a test system, the containers) and its simulator. */
export interface StaffSignIn {
  baseUrl: string
  loginUrl: string
  tenantId: string
  clientId: string
  clientSecret: string
}

export async function staffTokenAt(target: StaffSignIn, user: StaffUser): Promise<string> {
  const { tenantId: tenant, clientId } = target
  const redirectUri = `${target.baseUrl}/auth/callback`
  const scope = `api://${clientId}/access_as_user`
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const authorize = await fetch(`${target.loginUrl}/${tenant}/oauth2/v2.0/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      response_mode: 'query',
      scope: `${scope} openid profile`,
      state: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      user_id: DEMO_IDS.staff[user],
    }),
  })
  const code = new URL(authorize.headers.get('location') ?? 'http://x/').searchParams.get('code')
  if (!code) throw new Error(`authorize answered ${authorize.status}`)
  const res = await fetch(`${target.loginUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: target.clientSecret,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      scope,
    }),
  })
  const body = (await res.json()) as { access_token?: string; error_description?: string }
  if (!body.access_token) throw new Error(`token endpoint: ${body.error_description ?? String(res.status)}`)
  return body.access_token
}

export async function staffTokens(sys: System): Promise<Record<StaffUser, string>> {
  const users = Object.keys(DEMO_IDS.staff) as StaffUser[]
  const tokens = await Promise.all(users.map((u) => staffToken(sys, u)))
  return Object.fromEntries(users.map((u, i) => [u, tokens[i] ?? ''])) as Record<StaffUser, string>
}
