// The customer's status page links on the customer page: how many work, how each reached the customer and
// when (never a token), with one-click fresh link and revoke for Operators. The URL of a fresh link is
// revealed once, in the flash message.
import type { StatusLinkSummary, WorkingStatusLink } from '@crosstrust/services'
import { TimeAgo } from '../ui/badges.tsx'
import { PostButton } from '../ui/staff-page.tsx'

export interface StatusLinkPanelProps {
  customerId: string
  summary: StatusLinkSummary
  operator: boolean
  csrfToken: string | null
  now: Date
}

/** How the link reached the customer; `createdBy` is the staff member, or the admin the result page showed it to. */
function handedOut(link: WorkingStatusLink): string {
  if (link.delivery === 'result_page') return `Shown to ${link.createdBy} on the consent result page`
  if (link.delivery === 'email') return 'Mailed to the contacts after onboarding'
  return `Issued by ${link.createdBy}`
}

export function StatusLinkPanel(props: StatusLinkPanelProps) {
  const { working } = props.summary
  const base = `/customers/${props.customerId}/status-link`
  const count = working.length
  return (
    <section class="panel" aria-labelledby="status-link-h" id="status-link">
      <h2 id="status-link-h">Customer status page</h2>
      {count === 0 ? (
        <p class="muted" data-status-link="none">
          No working link. The customer’s admin sees the status page only through a link.
        </p>
      ) : (
        <>
          <p data-status-link="working" data-count={String(count)}>
            {count === 1 ? 'One working link:' : `${count} working links:`}
          </p>
          <ul class="links">
            {working.map((link) => (
              <li data-status-link-id={link.id} data-delivery={link.delivery}>
                <div class="meta">
                  {handedOut(link)}, <TimeAgo at={link.createdAt} now={props.now} />
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      {props.operator ? (
        <div class="actions">
          <PostButton action={base} csrfToken={props.csrfToken} dataAction="issue-status-link">
            {count === 0 ? 'Issue status page link' : 'Issue a fresh link'}
          </PostButton>
          {count === 0 ? null : (
            <PostButton
              action={`${base}/revoke`}
              csrfToken={props.csrfToken}
              dataAction="revoke-status-link"
              buttonClass="link danger-text"
            >
              {count === 1 ? 'Revoke' : 'Revoke all'}
            </PostButton>
          )}
        </div>
      ) : null}
      <p class="hint">
        Shown only once, when handed out. The consent result page and the mail after onboarding add a link; a
        fresh link from here stops every earlier one at once.
      </p>
    </section>
  )
}
