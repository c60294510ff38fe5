// Plays the customer's administrator over plain HTTP: opens the consent link, continues to the simulated
// Microsoft consent page, accepts or cancels, and follows the redirect back to Crosstrust.
export interface ConsentRun {
  callbackUrl: string
  finalUrl: string
  finalStatus: number
  finalBody: string
}

async function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' })
}

function location(res: Response, base: string): string {
  const loc = res.headers.get('location')
  if (!loc) throw new Error(`expected a redirect from ${base}, got ${res.status}`)
  return new URL(loc, base).toString()
}

/** Follows the consent flow up to Microsoft's consent page and submits `decision` there. */
export async function consentAs(
  linkUrl: string,
  tenantId: string,
  decision: 'accept' | 'cancel',
): Promise<ConsentRun> {
  const landing = await get(linkUrl)
  if (landing.status !== 200) throw new Error(`consent link answered ${landing.status}`)
  const start = await fetch(`${linkUrl}/start`, { method: 'POST', redirect: 'manual' })
  let msUrl = new URL(location(start, linkUrl))
  // With `organizations` Microsoft first asks which account (tenant) to use.
  if (msUrl.pathname.startsWith('/organizations/'))
    msUrl = new URL(msUrl.toString().replace('/organizations/', `/${tenantId}/`))
  const consentPage = await get(msUrl.toString())
  if (consentPage.status !== 200)
    throw new Error(`consent page answered ${consentPage.status}: ${await consentPage.text()}`)
  const form = new URLSearchParams()
  for (const key of ['client_id', 'redirect_uri', 'scope', 'state'])
    form.set(key, msUrl.searchParams.get(key) ?? '')
  form.set('decision', decision)
  const submitted = await fetch(msUrl.origin + msUrl.pathname, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  })
  const callbackUrl = location(submitted, msUrl.toString())
  const callback = await get(callbackUrl)
  let finalUrl = callbackUrl
  let final = callback
  if (callback.status === 303) {
    finalUrl = location(callback, callbackUrl)
    final = await get(finalUrl)
  }
  return { callbackUrl, finalUrl, finalStatus: final.status, finalBody: await final.text() }
}
