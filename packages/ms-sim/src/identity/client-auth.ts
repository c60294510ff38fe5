// Client authentication at the token endpoint: client secret (post or basic) or a certificate-signed
// client assertion (private_key_jwt), checked as Entra does: thumbprint header against the registered
// certificates, signature, audience (the token endpoint), iss/sub = client id, lifetime.
import { constants, verify as cryptoVerify } from 'node:crypto'
import type { App } from '../state.ts'

export type ClientAuthResult =
  | { ok: true; credentialType: 'secret' | 'certificate' | 'none' }
  | { ok: false; status: number; error: string; code: number; message: string }

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

function fail(code: number, message: string, status = 401, error = 'invalid_client'): ClientAuthResult {
  return { ok: false, status, error, code, message }
}

export function authenticateClient(
  app: App,
  body: Record<string, string | undefined>,
  basicSecret: string | undefined,
  acceptedAudiences: (aud: string) => boolean,
  allowPublic: boolean,
): ClientAuthResult {
  const secret = body.client_secret ?? basicSecret
  if (secret !== undefined) {
    if (app.secrets.includes(secret)) return { ok: true, credentialType: 'secret' }
    return fail(
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    )
  }
  const assertion = body.client_assertion
  if (assertion !== undefined) {
    if (body.client_assertion_type !== JWT_BEARER) {
      return fail(700023, `Invalid client assertion type. Expected '${JWT_BEARER}'.`, 400, 'invalid_request')
    }
    return verifyAssertion(app, assertion, acceptedAudiences)
  }
  if (allowPublic) return { ok: true, credentialType: 'none' }
  return fail(
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  )
}

function verifyAssertion(
  app: App,
  assertion: string,
  acceptedAudiences: (aud: string) => boolean,
): ClientAuthResult {
  const parts = assertion.split('.')
  if (parts.length !== 3) return fail(50027, 'JWT token is invalid or malformed.', 400, 'invalid_request')
  const [h, p, s] = parts as [string, string, string]
  let header: Record<string, unknown>
  let claims: Record<string, unknown>
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return fail(50027, 'JWT token is invalid or malformed.', 400, 'invalid_request')
  }
  const x5t =
    typeof header.x5t === 'string' ? Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase() : null
  const x5tS256 =
    typeof header['x5t#S256'] === 'string'
      ? Buffer.from(header['x5t#S256'], 'base64url').toString('hex').toUpperCase()
      : null
  const cert = app.certificates.find(
    (c) => (x5t !== null && c.thumbprintSha1 === x5t) || (x5tS256 !== null && c.thumbprintSha256 === x5tS256),
  )
  if (!cert) {
    return fail(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5tS256 ?? x5t ?? ''}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
    )
  }
  const data = Buffer.from(`${h}.${p}`)
  const sig = Buffer.from(s, 'base64url')
  let good = false
  if (header.alg === 'RS256') good = cryptoVerify('sha256', data, cert.publicKey, sig)
  else if (header.alg === 'PS256') {
    good = cryptoVerify(
      'sha256',
      data,
      { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      sig,
    )
  }
  if (!good) return fail(700027, 'Client assertion failed signature validation.')
  if (claims.iss !== app.clientId && String(claims.iss).toLowerCase() !== app.clientId) {
    return fail(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
  }
  if (String(claims.sub).toLowerCase() !== app.clientId) {
    return fail(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
  }
  const aud = typeof claims.aud === 'string' ? claims.aud : ''
  if (!acceptedAudiences(aud)) {
    return fail(
      700212,
      `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds. Audience: '${aud}'.`,
    )
  }
  const now = Math.floor(Date.now() / 1000)
  if (
    typeof claims.exp !== 'number' ||
    claims.exp < now - 300 ||
    (typeof claims.nbf === 'number' && claims.nbf > now + 300)
  ) {
    return fail(700024, 'Client assertion is not within its valid time range.')
  }
  return { ok: true, credentialType: 'certificate' }
}
