// A real delegated staff access token from the simulator, obtained the way the CLI does: the user is picked
// on the authorize page (form post), then the code is redeemed with PKCE at the token endpoint.
import { createHash, randomBytes } from 'node:crypto'
import { DEMO_IDS, type RunningSimulator } from '@crosstrust/ms-sim'
import { STAFF_SECRET } from './processes.ts'

export async function staffAccessToken(
  sim: RunningSimulator,
  userId: string,
  redirectUri: string,
): Promise<string> {
  const tenant = DEMO_IDS.partnerTenantId
  const clientId = DEMO_IDS.staffAppClientId
  const scope = `api://${clientId}/access_as_user`
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const authorize = await fetch(`${sim.loginUrl}/${tenant}/oauth2/v2.0/authorize`, {
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
      user_id: userId,
    }),
  })
  const location = authorize.headers.get('location')
  const code = location === null ? null : new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`authorize answered ${String(authorize.status)} without a code`)
  const token = await fetch(`${sim.loginUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: STAFF_SECRET,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      scope,
    }),
  })
  const body = (await token.json()) as { access_token?: string }
  if (!body.access_token) throw new Error(`token endpoint answered ${String(token.status)}`)
  return body.access_token
}
