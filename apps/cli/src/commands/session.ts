import { ApiClient } from '../api-client.ts'
import { CliError, EXIT } from '../errors.ts'
import { browserLogin, tokenExpiry } from '../login.ts'
import { json, keyValues } from '../output.ts'
import { normaliseBaseUrl, readCredentials, removeCredentials, writeCredentials } from '../settings.ts'
import { asJson, client, str, type CommandContext } from './context.ts'

// `login`, `logout` and `whoami`: the stored credentials for one API.

interface Me {
  oid: string
  name: string
  username: string
  roles: string[]
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
  return text.trim()
}

export async function login(ctx: CommandContext): Promise<void> {
  const stored = await readCredentials(ctx.env)
  const rawUrl = str(ctx.values.url) ?? ctx.env.CROSSTRUST_URL ?? stored?.baseUrl
  if (!rawUrl) throw new CliError('Which API? Pass --url or set CROSSTRUST_URL.', EXIT.usage)
  const baseUrl = normaliseBaseUrl(rawUrl)

  let token: { accessToken: string; expiresAt: string | null }
  if (ctx.values['with-token'] === true) {
    // A token from elsewhere (az cli, a pipeline secret), read from stdin so it stays out of shell history.
    const accessToken = await readStdin(ctx.stdin)
    if (!accessToken) throw new CliError('No token on stdin.', EXIT.usage)
    token = { accessToken, expiresAt: tokenExpiry(accessToken) }
  } else {
    const tenantId = str(ctx.values.tenant) ?? ctx.env.CROSSTRUST_TENANT_ID
    const clientId = str(ctx.values['client-id']) ?? ctx.env.CROSSTRUST_CLIENT_ID
    if (!tenantId || !clientId) {
      throw new CliError(
        'Browser sign-in needs the staff tenant and app: set CROSSTRUST_TENANT_ID and CROSSTRUST_CLIENT_ID ' +
          '(or --tenant/--client-id), or use `crosstrust login --with-token < token`.',
        EXIT.usage,
      )
    }
    const portText = str(ctx.values.port) ?? ctx.env.CROSSTRUST_LOGIN_PORT ?? '0'
    const port = Number(portText)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new CliError(`Bad port: ${portText}`, EXIT.usage)
    const secret = ctx.env.CROSSTRUST_CLIENT_SECRET
    token = await browserLogin({
      loginUrl:
        str(ctx.values['login-url']) ?? ctx.env.CROSSTRUST_LOGIN_URL ?? 'https://login.microsoftonline.com',
      tenantId,
      clientId,
      ...(secret ? { clientSecret: secret } : {}),
      port,
      openBrowser: ctx.values['no-browser'] !== true,
      onUrl: (url) => {
        ctx.io.err(`Open this URL to sign in:\n${url}\n`)
      },
    })
  }
  // Prove the token works against this API before keeping it.
  const me = await new ApiClient({ baseUrl, token: token.accessToken }).json<Me>('GET', '/api/v1/me')
  const file = await writeCredentials(
    { baseUrl, accessToken: token.accessToken, expiresAt: token.expiresAt, username: me.username || me.name },
    ctx.env,
  )
  if (asJson(ctx)) ctx.io.out(json({ baseUrl, ...me, expiresAt: token.expiresAt, credentials: file }))
  else
    ctx.io.out(
      `Signed in to ${baseUrl} as ${me.name || me.username} (${me.roles.join(', ') || 'no role'}).\n`,
    )
}

export async function logout(ctx: CommandContext): Promise<void> {
  const removed = await removeCredentials(ctx.env)
  ctx.io.out(removed ? 'Signed out (credentials removed).\n' : 'Not signed in.\n')
}

export async function whoami(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const me = await api.json<Me>('GET', '/api/v1/me')
  if (asJson(ctx)) ctx.io.out(json({ baseUrl: api.baseUrl, ...me }))
  else
    ctx.io.out(
      keyValues([
        ['API', api.baseUrl],
        ['Name', me.name],
        ['User', me.username],
        ['Roles', me.roles.join(', ')],
      ]),
    )
}
