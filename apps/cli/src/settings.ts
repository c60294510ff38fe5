import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isIP } from 'node:net'
import path from 'node:path'
import { CliError, EXIT } from './errors.ts'

// Where the CLI finds the API and its credentials. Environment first (CI, scripts), then the credentials
// file written by `crosstrust login` (mode 0600 in a 0700 directory, like ~/.azure and ~/.kube).

export interface StoredCredentials {
  baseUrl: string
  accessToken: string
  /** ISO time the access token expires (from the token endpoint's expires_in). */
  expiresAt: string | null
  username: string | null
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CROSSTRUST_CONFIG_DIR) return env.CROSSTRUST_CONFIG_DIR
  const base = env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config')
  return path.join(base, 'crosstrust')
}

const credentialsFile = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'credentials.json')

export async function readCredentials(
  env: NodeJS.ProcessEnv = process.env,
): Promise<StoredCredentials | null> {
  try {
    return JSON.parse(await readFile(credentialsFile(env), 'utf8')) as StoredCredentials
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new CliError(`Cannot read ${credentialsFile(env)}: ${(err as Error).message}`)
  }
}

export async function writeCredentials(
  credentials: StoredCredentials,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const dir = configDir(env)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const file = credentialsFile(env)
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 })
  await chmod(file, 0o600)
  return file
}

export async function removeCredentials(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = credentialsFile(env)
  try {
    await rm(file)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}

/** Whether `hostname` (as `URL.hostname` gives it, numeric forms already normalised) is this machine. */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true
  if (hostname === '[::1]') return true
  return isIP(hostname) === 4 && hostname.startsWith('127.')
}

/**
 * The API base URL, checked before any request: every request carries the staff bearer token, so plain
 * http is accepted only to this machine (127.0.0.0/8, ::1, localhost), where the token crosses no network.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CliError(`Not a URL: ${raw}`, EXIT.usage)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`The API URL must be http(s): ${raw}`, EXIT.usage)
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new CliError(
      `Refusing to send credentials over plain http to ${url.host}: use https (http is allowed only for 127.0.0.1, ::1 and localhost).`,
      EXIT.usage,
    )
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

export interface Target {
  baseUrl: string
  token: string
}

/** The API to talk to and the token to present: --url / CROSSTRUST_URL / login; CROSSTRUST_TOKEN / login. */
export async function resolveTarget(
  urlOption: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Target> {
  const stored = await readCredentials(env)
  const rawUrl = urlOption ?? env.CROSSTRUST_URL ?? stored?.baseUrl
  if (!rawUrl) {
    throw new CliError('No API URL: set CROSSTRUST_URL, pass --url, or run `crosstrust login`.', EXIT.usage)
  }
  const baseUrl = normaliseBaseUrl(rawUrl)
  const envToken = env.CROSSTRUST_TOKEN?.trim()
  if (envToken) return { baseUrl, token: envToken }
  if (!stored || stored.baseUrl !== baseUrl) {
    throw new CliError(
      `Not signed in to ${baseUrl}: run \`crosstrust login\` or set CROSSTRUST_TOKEN.`,
      EXIT.auth,
    )
  }
  if (stored.expiresAt !== null && Date.parse(stored.expiresAt) <= Date.now()) {
    throw new CliError('Your sign-in has expired: run `crosstrust login` again.', EXIT.auth)
  }
  return { baseUrl, token: stored.accessToken }
}
