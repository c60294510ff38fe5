// A customer administrator's browser over plain HTTP: a cookie jar (so the consent attempt's HttpOnly binding
// cookie travels like in a real browser), Microsoft's account picker, and the consent page.
// Cookies are kept per name with their Path; 127.0.0.1 ports share them as browsers do (cookies ignore ports).

interface StoredCookie {
  value: string
  path: string
}

export interface Fetched {
  status: number
  location: string | null
  body: string
  headers: Headers
}

export class AdminBrowser {
  private readonly jar = new Map<string, StoredCookie>()

  /** One request, redirects not followed, cookies sent and stored. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const path = new URL(url).pathname
    const cookie = [...this.jar.entries()]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
    const headers = new Headers(init.headers)
    if (cookie !== '') headers.set('cookie', cookie)
    const res = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) this.store(line)
    return res
  }

  async get(url: string): Promise<Fetched> {
    const res = await this.fetch(url)
    return {
      status: res.status,
      location: res.headers.get('location'),
      body: await res.text(),
      headers: res.headers,
    }
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name)?.value
  }

  /** The Cookie header this browser would send to `path`. */
  cookieHeader(path: string): string {
    return [...this.jar.entries()]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ')
  }

  /** Every cookie value whose name starts with `prefix`. */
  cookiesStartingWith(prefix: string): string[] {
    return [...this.jar.entries()].filter(([name]) => name.startsWith(prefix)).map(([, c]) => c.value)
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(name, { value, path })
  }

  private store(line: string): void {
    const [pair = '', ...attrs] = line.split(';').map((p) => p.trim())
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    const attr = (key: string) =>
      attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1)
    if (attr('max-age') === '0' || value === '') {
      this.jar.delete(name)
      return
    }
    this.jar.set(name, { value, path: attr('path') ?? '/' })
  }
}

/** The browser the step helpers use unless a test passes another one (e.g. to act as an attacker). */
export const defaultBrowser = new AdminBrowser()

export function locationOf(res: Response | Fetched, base: string): string {
  const loc = res instanceof Response ? res.headers.get('location') : res.location
  if (!loc) throw new Error(`expected a redirect from ${base}, got ${String(res.status)}`)
  return new URL(loc, base).toString()
}

const decode = (v: string) =>
  v
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')

/**
 * Microsoft's account picker: choose the (first, or the one named by `userPrincipalName`) account of
 * `tenantId` and sign in. Returns the redirect back to Crosstrust (`/consent/signed-in?code&state`), not yet
 * followed.
 */
export async function pickAccount(
  browser: AdminBrowser,
  authorizeUrl: string,
  tenantId: string,
  userPrincipalName?: string,
): Promise<string> {
  const picker = await browser.get(authorizeUrl)
  if (picker.status !== 200)
    throw new Error(`account picker answered ${String(picker.status)}: ${picker.body}`)
  const action = `/${tenantId}/oauth2/v2.0/authorize`
  const named =
    userPrincipalName === undefined
      ? 0
      : picker.body.indexOf(`<span class="muted">${userPrincipalName}</span></form>`)
  if (named < 0) throw new Error(`no account ${String(userPrincipalName)} in the account picker`)
  const start =
    userPrincipalName === undefined
      ? picker.body.indexOf(`action="${action}"`)
      : picker.body.lastIndexOf(`action="${action}"`, named)
  if (start < 0) throw new Error(`no account of tenant ${tenantId} in the account picker`)
  const formHtml = picker.body.slice(start, picker.body.indexOf('</form>', start))
  const form = new URLSearchParams()
  for (const m of formHtml.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.set(decode(m[1] ?? ''), decode(m[2] ?? ''))
  }
  const res = await browser.fetch(new URL(action, authorizeUrl).toString(), {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  return locationOf(res, authorizeUrl)
}

/** "Continue to Microsoft" on a link's landing page: the account picker URL. */
export async function pressContinue(browser: AdminBrowser, linkUrl: string): Promise<string> {
  const res = await browser.fetch(`${linkUrl}/start`, { method: 'POST' })
  if (res.status !== 303) throw new Error(`start answered ${String(res.status)}: ${await res.text()}`)
  return locationOf(res, linkUrl)
}

/**
 * Start from the link and sign in as the administrator of `tenantId`. Returns Crosstrust's answer to the
 * sign-in (a 303 to Microsoft's admin consent page when the tenant is accepted, a page otherwise).
 */
export async function startAndSignIn(
  browser: AdminBrowser,
  linkUrl: string,
  tenantId: string,
  userPrincipalName?: string,
): Promise<Fetched & { signedInUrl: string }> {
  const signedInUrl = await pickAccount(
    browser,
    await pressContinue(browser, linkUrl),
    tenantId,
    userPrincipalName,
  )
  return { ...(await browser.get(signedInUrl)), signedInUrl }
}

/** Sign in as the administrator of `tenantId` and return the admin consent URL Crosstrust sends them to. */
export async function consentUrlAfterSignIn(
  browser: AdminBrowser,
  linkUrl: string,
  tenantId: string,
): Promise<URL> {
  const answer = await startAndSignIn(browser, linkUrl, tenantId)
  if (answer.status !== 303) throw new Error(`sign-in answered ${String(answer.status)}: ${answer.body}`)
  return new URL(locationOf(answer, answer.signedInUrl))
}
