// The consent-link email, in plain text and HTML, built from data only. It says who asks (the partner, its
// tenant ID), what will change in the customer's tenant, that the link expires, and how to tell it is
// genuine (the partner's tenant ID on the page, the site the link points to), because a mail asking a
// Global Administrator to grant consent is exactly what phishing looks like.

export interface ConsentEmailInput {
  kind: 'consent_link' | 'reminder'
  partnerName: string
  partnerTenantId: string
  customerName: string
  /** The consent link (its origin is the site to check). */
  url: string
  expiresAt: Date
  /** Who at the partner asked for it (staff name), when known. */
  requestedBy: string | null
}

export interface ConsentEmail {
  subject: string
  text: string
  html: string
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)
}

function expiry(at: Date): string {
  return at.toUTCString()
}

/** The paragraphs of the mail, each a plain sentence list; the link stands on its own. */
function paragraphs(input: ConsentEmailInput): { before: string[]; after: string[] } {
  const { partnerName: partner, partnerTenantId: tenant } = input
  const origin = new URL(input.url).origin
  const asker = input.requestedBy === null ? partner : `${input.requestedBy} at ${partner}`
  const opening =
    input.kind === 'reminder'
      ? `A reminder: ${asker} asked you to connect ${input.customerName} to ${partner}, and the link in the earlier mail expires soon. Here is a new link, valid for longer; the earlier one still works until it expires.`
      : `${asker} asks you, as an administrator of ${input.customerName}, to add ${partner} as a trusted organization in your Microsoft Entra ID tenant.`
  return {
    before: [
      opening,
      `What will change: under Entra ID, External Identities, Cross-tenant access settings, Organizational settings, ${partner} (tenant ID ${tenant}) is added with inbound B2B collaboration for its users and trust in their multifactor authentication and compliant devices. Nothing else in your tenant changes. The page behind the link lists every setting and the one permission requested before you decide.`,
      'Open the link as a Global Administrator of your organization:',
    ],
    after: [
      `The link is valid until ${expiry(input.expiresAt)} and works once.`,
      `How to check this mail is genuine: the link points to ${origin}/ and nowhere else; the page it opens names ${partner} with tenant ID ${tenant}, and Microsoft's own sign-in and consent pages follow. If anything differs, or you did not expect this mail, do not continue: ask your contact at ${partner}, by a channel you already know.`,
    ],
  }
}

export function consentEmail(input: ConsentEmailInput): ConsentEmail {
  const subject =
    input.kind === 'reminder'
      ? `Reminder: connect ${input.customerName} to ${input.partnerName} (link expires soon)`
      : `${input.partnerName} asks you to connect ${input.customerName} (admin consent)`
  return linkEmail(subject, input.partnerName, input.url, paragraphs(input))
}

/**
 * A mail around one link, in plain text and HTML with the same words: the paragraphs before the link, the
 * link, the paragraphs after it, and the sender's signature. Every value is escaped in the HTML part.
 */
export function linkEmail(
  subject: string,
  partnerName: string,
  link: string,
  { before, after }: { before: string[]; after: string[] },
): ConsentEmail {
  const signature = `— ${partnerName}, sent with Crosstrust`
  const text = [...before, link, ...after, signature].join('\n\n')
  const p = (line: string) => `<p>${escapeHtml(line)}</p>`
  const url = escapeHtml(link)
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...before.map(p),
    `<p><a href="${url}">${url}</a></p>`,
    ...after.map(p),
    p(signature),
    '</body></html>',
  ].join('\n')
  return { subject, text, html }
}
