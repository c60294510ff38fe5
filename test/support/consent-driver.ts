// Plays the customer's administrator over plain HTTP: opens the consent link, continues to Microsoft, picks
// the account of `tenantId` and signs in, accepts or cancels the consent page, and follows the redirect back.
import { AdminBrowser, locationOf, startAndSignIn } from './admin-browser.ts'

export interface ConsentRun {
  callbackUrl: string
  finalUrl: string
  finalStatus: number
  finalBody: string
}

/** The whole flow in a fresh browser; stops at Crosstrust's answer if the sign-in is refused. */
export async function consentAs(
  linkUrl: string,
  tenantId: string,
  decision: 'accept' | 'cancel',
  browser: AdminBrowser = new AdminBrowser(),
): Promise<ConsentRun> {
  const landing = await browser.get(linkUrl)
  if (landing.status !== 200) throw new Error(`consent link answered ${String(landing.status)}`)
  const signedIn = await startAndSignIn(browser, linkUrl, tenantId)
  if (signedIn.status !== 303) {
    return {
      callbackUrl: signedIn.signedInUrl,
      finalUrl: signedIn.signedInUrl,
      finalStatus: signedIn.status,
      finalBody: signedIn.body,
    }
  }
  const msUrl = new URL(locationOf(signedIn, signedIn.signedInUrl))
  const consentPage = await browser.get(msUrl.toString())
  if (consentPage.status !== 200)
    throw new Error(`consent page answered ${String(consentPage.status)}: ${consentPage.body}`)
  const form = new URLSearchParams()
  for (const key of ['client_id', 'redirect_uri', 'scope', 'state'])
    form.set(key, msUrl.searchParams.get(key) ?? '')
  form.set('decision', decision)
  const submitted = await browser.fetch(msUrl.origin + msUrl.pathname, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  const callbackUrl = locationOf(submitted, msUrl.toString())
  const callback = await browser.get(callbackUrl)
  let finalUrl = callbackUrl
  let final = callback
  if (callback.status === 303) {
    finalUrl = locationOf(callback, callbackUrl)
    final = await browser.get(finalUrl)
  }
  return { callbackUrl, finalUrl, finalStatus: final.status, finalBody: final.body }
}
