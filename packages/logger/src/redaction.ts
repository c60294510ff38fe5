/**
 * Paths pino censors before a line is written. Secrets must never reach a log, whatever the caller passes:
 * credentials, OAuth tokens, consent tokens and OAuth `state`, cookies and authorization headers.
 */
export const REDACT_PATHS = [
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'client_assertion',
  'accessToken',
  'access_token',
  'idToken',
  'id_token',
  'refreshToken',
  'refresh_token',
  'token',
  'consentToken',
  'state',
  'code',
  'code_verifier',
  'privateKey',
  'sessionSecret',
  'APP_CLIENT_SECRET',
  'SESSION_SECRET',
  'STAFF_CLIENT_SECRET',
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'config.APP_CLIENT_SECRET',
  'config.SESSION_SECRET',
  'config.STAFF_CLIENT_SECRET',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.accessToken',
  '*.access_token',
  '*.idToken',
  '*.refreshToken',
  '*.token',
  '*.consentToken',
  '*.privateKey',
  '*.authorization',
  '*.cookie',
]

/**
 * Consent links carry the raw token in the path (`/consent/<token>`), result and status pages the attempt id
 * (`/consent/result/<id>`, `/consent/status/<id>`), the customer's status page link its durable token
 * (`/status/<token>`, `/status/<token>/sign-in`; not `/status/view` or `/status/signed-in`), and OAuth
 * values travel in the query.
 */
const SENSITIVE_URL =
  /(\/consent\/(?:result\/|status\/)?)(?!callback\b|signed-in\b|result\b|status\b)[^/?#\s]+|(\/status\/)(?!(?:view|signed-in)(?:[/?#]|$))[^/?#\s]+|([?&](?:state|code|token|client_secret|access_token)=)[^&#\s]+/gi

export function redactUrl(url: string): string {
  return url.replace(
    SENSITIVE_URL,
    (_m, consent: string | undefined, status: string | undefined, query: string | undefined) =>
      `${consent ?? status ?? query ?? ''}[Redacted]`,
  )
}
