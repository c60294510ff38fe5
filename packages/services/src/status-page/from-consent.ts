// The admin who just consented gets the status page link from the consent result page: once per consent
// attempt, only in the browser that made the attempt (its binding cookie), only while the result page is
// current (a day), and only once the partner configuration is in place in the tenant the admin signed in to.
// Handing it out adds a link (delivery `result_page`), audit-logged with the admin as actor: the links the
// customer already holds keep working, and the mail after onboarding adds its own without cancelling this one.
import { z } from 'zod'
import type { Actor, ServiceContext } from '../context.ts'
import { sameBrowser, type BrowserSecrets } from '../consent/browser-binding.ts'
import { mintStatusLink, statusLinkUrl } from './links.ts'

/** As long as the result page shows this consent's verdict. */
const RESULT_PAGE_MS = 86_400_000

export type StatusLinkFromConsent =
  { kind: 'issued'; url: string } | { kind: 'unknown' | 'not_ready' | 'already_issued' }

export async function statusLinkFromConsent(
  ctx: ServiceContext,
  settings: { publicBaseUrl: string },
  attemptId: string,
  browserSecret: BrowserSecrets,
  actor: Actor,
): Promise<StatusLinkFromConsent> {
  if (!z.uuid().safeParse(attemptId).success) return { kind: 'unknown' }
  const attempt = await ctx.db.consentState.findUnique({
    where: { id: attemptId },
    include: {
      consentLink: { select: { customer: { select: { id: true, tenantId: true, onboardingState: true } } } },
    },
  })
  if (
    !attempt?.usedAt ||
    attempt.phase !== 'consent' ||
    !sameBrowser(attempt.browserHash, browserSecret(attempt.id))
  )
    return { kind: 'unknown' }
  const now = ctx.now()
  const { customer } = attempt.consentLink
  if (
    now.getTime() - attempt.usedAt.getTime() > RESULT_PAGE_MS ||
    customer.onboardingState !== 'onboarded' ||
    customer.tenantId === null ||
    customer.tenantId !== attempt.signedInTenantId
  ) {
    return { kind: 'not_ready' }
  }
  const admin: Actor = {
    ...actor,
    type: 'customer_admin',
    id: attempt.signedInOid ?? undefined,
    name: attempt.signedInUsername ?? attempt.signedInName ?? 'customer administrator',
  }
  const minted = await ctx.db.$transaction(async (tx) => {
    // Two clicks at once would both see no link and the second would hit the unique consent_state_id: the
    // attempt's row lock makes the second wait and then find the first one's link.
    await tx.$queryRaw`SELECT id FROM consent_states WHERE id = ${attempt.id}::uuid FOR UPDATE`
    if (await tx.statusLink.findUnique({ where: { consentStateId: attempt.id }, select: { id: true } }))
      return null
    return mintStatusLink(tx, customer.id, admin, now, {
      delivery: 'result_page',
      consentStateId: attempt.id,
    })
  })
  if (minted === null) return { kind: 'already_issued' }
  return { kind: 'issued', url: statusLinkUrl(settings.publicBaseUrl, minted.token) }
}
