// How a consent or status link reached the customer, and what handing one out does to the links the customer
// already holds. One rule for both kinds of link, so the mail, the consent result page and staff cannot drift
// apart on it.

export const LINK_DELIVERIES = ['staff', 'result_page', 'email'] as const
/** `staff`: issued on purpose by staff; `result_page`: the consent result page; `email`: minted by a mail. */
export type LinkDelivery = (typeof LINK_DELIVERIES)[number]
/** Consent links are handed out by staff or by mail; only the status link comes from the result page. */
export type ConsentLinkDelivery = Exclude<LinkDelivery, 'result_page'>

/**
 * Whether handing out a link this way revokes the customer's earlier links of the same kind.
 *
 * Only staff's explicit "issue a fresh link" does: it is how staff replace a link that leaked or reached the
 * wrong person, and they know they are replacing it. A delivery cannot know which link the customer is
 * holding: the status mail goes out seconds after the consent result page showed the admin a link, and a
 * consent mail (or its reminder) after staff pasted a link into a ticket or a call. Revoking there silently
 * cancels the link the admin is looking at ("this link no longer works"), so a delivery only adds one.
 */
export function revokesEarlierLinks(delivery: LinkDelivery): boolean {
  return delivery === 'staff'
}
