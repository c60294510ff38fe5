import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CliError, EXIT } from './errors.ts'

// `crosstrust login`: OAuth 2.0 authorization code + PKCE (RFC 7636) against Microsoft Entra ID with a
// loopback redirect (RFC 8252): the browser signs the user in and comes back to http://127.0.0.1:<port>/,
// where this process is listening. No device code, nothing pasted. Standard endpoints, so the same code
// runs against login.microsoftonline.com, national clouds and the simulator (MS_LOGIN_URL).
//
// Register the redirect URI on the staff app as a "Mobile and desktop" (public client) URI
// `http://127.0.0.1` (Entra ignores the port for loopback). Organisations that only allow web-app
// registrations can pass the app's client secret (CROSSTRUST_CLIENT_SECRET) and register the exact URI.

export interface BrowserLoginOptions {
  loginUrl: string
  tenantId: string
  clientId: string
  clientSecret?: string
  /** 0 = any free port (public clients); a fixed port when the exact URI must be registered. */
  port: number
  /** Scope of the staff API (default `api://<clientId>/access_as_user`). */
  scope?: string
  /** Called with the URL the user must open (printed, and opened in a browser unless disabled). */
  onUrl: (url: string) => void
  openBrowser: boolean
  timeoutMs?: number
}

export interface TokenResult {
  accessToken: string
  expiresAt: string | null
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

function tryOpen(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open'
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No browser here: the printed URL is the way.
  }
}

const DONE_PAGE = (ok: boolean, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>Crosstrust CLI</title>` +
  `<body style="font-family:system-ui;margin:3rem"><h1>${ok ? 'Signed in' : 'Sign-in failed'}</h1>` +
  `<p>${text}</p></body>`

/** Waits for the one redirect back to the loopback listener and returns its code. */
function awaitRedirect(server: Server, state: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new CliError('Sign-in timed out (no redirect came back).', EXIT.auth))
    }, timeoutMs)
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (url.pathname !== '/') {
        res.writeHead(404).end()
        return
      }
      const finish = (ok: boolean, text: string) => {
        res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' }).end(DONE_PAGE(ok, text))
        clearTimeout(timer)
      }
      if (url.searchParams.get('state') !== state) {
        // Not our sign-in (or forged): refuse, keep waiting for the real one.
        res.writeHead(400, { 'content-type': 'text/plain' }).end('state mismatch')
        return
      }
      const error = url.searchParams.get('error')
      const code = url.searchParams.get('code')
      if (error || !code) {
        finish(false, 'Sign-in was not completed. You can close this window.')
        // The error description is attacker-influenced: report only the error code.
        reject(new CliError(`Sign-in failed: ${(error ?? 'no code').replace(/[^\w.-]/g, '')}`, EXIT.auth))
        return
      }
      finish(true, 'You can close this window and return to the terminal.')
      resolve(code)
    })
  })
}

export async function browserLogin(options: BrowserLoginOptions): Promise<TokenResult> {
  const base = `${options.loginUrl.replace(/\/+$/, '')}/${options.tenantId}/oauth2/v2.0`
  const scope = options.scope ?? `api://${options.clientId}/access_as_user`
  const { verifier, challenge } = pkce()
  const state = randomBytes(16).toString('base64url')
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      reject(new CliError(`Cannot listen on 127.0.0.1:${options.port}: ${err.message}`))
    })
    server.listen(options.port, '127.0.0.1', resolve)
  })
  try {
    const { port } = server.address() as AddressInfo
    const redirectUri = `http://127.0.0.1:${port}/`
    const authorize = new URL(`${base}/authorize`)
    authorize.search = new URLSearchParams({
      client_id: options.clientId,
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: redirectUri,
      scope: `${scope} openid profile`,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    }).toString()
    const codePromise = awaitRedirect(server, state, options.timeoutMs ?? 300_000)
    options.onUrl(authorize.toString())
    if (options.openBrowser) tryOpen(authorize.toString())
    const code = await codePromise

    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: options.clientId,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        scope,
        ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
      }),
    })
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string
      expires_in?: number
      error?: string
    }
    if (!res.ok || !body.access_token) {
      throw new CliError(
        `The token endpoint refused the sign-in (${body.error ?? String(res.status)}).`,
        EXIT.auth,
      )
    }
    const expiresAt =
      typeof body.expires_in === 'number' ? new Date(Date.now() + body.expires_in * 1000).toISOString() : null
    return { accessToken: body.access_token, expiresAt }
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

/** `exp` of a JWT (unverified: only to tell the user when to sign in again; the API verifies the token). */
export function tokenExpiry(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown
    }
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : null
  } catch {
    return null
  }
}
