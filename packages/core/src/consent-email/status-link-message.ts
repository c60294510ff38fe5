// The mail that hands the customer's administrators their status page link once onboarding is done, in
// plain text and HTML, built from data only. Like the consent mail it says who sends it and how to tell it
// is genuine; it also says what the page shows, that only a sign-in to the customer's own tenant opens it,
// and that the link does not expire but the partner can revoke it, because it is a standing link to the
// customer's configuration and should be kept like one.
import { linkEmail, type ConsentEmail } from './message.ts'

export interface StatusLinkEmailInput {
  partnerName: string
  partnerTenantId: string
  customerName: string
  /** The status page link (its origin is the site to check). */
  url: string
}

function paragraphs(input: StatusLinkEmailInput): { before: string[]; after: string[] } {
  const { partnerName: partner, partnerTenantId: tenant, customerName: customer } = input
  const origin = new URL(input.url).origin
  return {
    before: [
      `${partner} is now set up as a trusted organization in the Microsoft Entra ID tenant of ${customer}, as you agreed when you granted consent.`,
      `Your status page shows what ${partner} may do in your tenant and whether it still matches what you agreed: the settings agreed against what the last check saw, when it was last checked, the trust findings with their fixes, and the history of changes. An administrator with the Global Administrator or Security Administrator role can also remove ${partner}'s access there.`,
      'Keep this link; open it and sign in with an account of your organization:',
    ],
    after: [
      `The link does not expire. ${partner} can revoke it or replace it with a new one; then it says it no longer works. The page shows nothing until you sign in with Microsoft, and only accounts of your own tenant can see it, so a forwarded link shows nothing to anyone else. Still, keep it among your administrators.`,
      `How to check this mail is genuine: the link points to ${origin}/ and nowhere else; the page names ${partner} with tenant ID ${tenant}, and Microsoft's own sign-in page follows. If anything differs, or you did not expect this mail, do not continue: ask your contact at ${partner}, by a channel you already know.`,
    ],
  }
}

export function statusLinkEmail(input: StatusLinkEmailInput): ConsentEmail {
  const subject = `${input.customerName} is connected to ${input.partnerName}: your status page`
  return linkEmail(subject, input.partnerName, input.url, paragraphs(input))
}
