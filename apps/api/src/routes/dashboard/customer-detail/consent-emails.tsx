// The customer page's "Send by email" panel: staff tick the customer's contacts and send a fresh consent
// link (operators only); below, every consent-link email and reminder with its SMTP outcome, so an outage
// or a bounce is seen where the link is managed.
import type { ContactView, EmailDeliveryView } from '@crosstrust/services'
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { CsrfField, type StaffViewer } from '../ui/staff-page.tsx'
import type { Tone } from '../format.ts'

export interface ConsentEmailPanelProps {
  customerId: string
  contacts: ContactView[]
  deliveries: EmailDeliveryView[]
  /** SMTP_URL and MAIL_FROM are set. */
  enabled: boolean
  viewer: StaffViewer
  now: Date
}

const STATUS: Record<EmailDeliveryView['status'], [string, Tone]> = {
  pending: ['Queued', 'info'],
  sent: ['Sent', 'ok'],
  bounced: ['Bounced', 'bad'],
  failed: ['Failed', 'bad'],
}

const KIND: Record<EmailDeliveryView['kind'], string> = {
  consent_link: 'Link',
  reminder: 'Reminder',
  status_link: 'Status page link',
}

function Delivery({ mail, now }: { mail: EmailDeliveryView; now: Date }) {
  const [label, tone] = STATUS[mail.status]
  const retrying = mail.status === 'pending' && mail.lastError !== null
  return (
    <li data-email={mail.id} data-status={mail.status}>
      <div>
        <Badge label={retrying ? 'Retrying' : label} tone={retrying ? 'warn' : tone} />{' '}
        <span class="meta">
          {KIND[mail.kind]} to {mail.recipients.map((r) => r.email).join(', ')}{' '}
          <TimeAgo at={mail.sentAt ?? mail.createdAt} now={now} />
        </span>
      </div>
      {mail.bouncedRecipients.length > 0 ? (
        <div class="meta bad-text">Bounced: {mail.bouncedRecipients.join(', ')}</div>
      ) : null}
      {mail.lastError !== null ? (
        <div class="meta" data-email-error>
          {mail.attempts > 1 ? `After ${mail.attempts} attempts: ` : ''}
          {mail.lastError}
        </div>
      ) : null}
    </li>
  )
}

export function ConsentEmailPanel(props: ConsentEmailPanelProps) {
  const canSend = props.viewer.operator && props.enabled && props.contacts.length > 0
  return (
    <section class="panel" aria-labelledby="emails-h" id="emails">
      <h2 id="emails-h">Send by email</h2>
      {!props.enabled ? (
        <p class="muted">Email is not configured (SMTP_URL and MAIL_FROM).</p>
      ) : props.contacts.length === 0 ? (
        <p class="muted">The customer has no contacts to send to.</p>
      ) : null}
      {canSend ? (
        <form
          method="post"
          action={`/customers/${props.customerId}/consent-emails`}
          data-action="consent-email"
        >
          <CsrfField token={props.viewer.csrfToken} />
          <fieldset>
            <legend>Send a fresh consent link to</legend>
            {props.contacts.map((c) => (
              <label class="checkbox-inline">
                <input type="checkbox" name="recipients" value={c.email} /> {c.name} &lt;{c.email}&gt;
                {c.role ? <span class="muted"> · {c.role}</span> : null}
              </label>
            ))}
          </fieldset>
          <button type="submit">Send link by email</button>
          <p class="hint">Earlier links stop working when the mail goes out.</p>
        </form>
      ) : null}
      {props.deliveries.length > 0 ? (
        <ul class="links">
          {props.deliveries.slice(0, 6).map((mail) => (
            <Delivery mail={mail} now={props.now} />
          ))}
        </ul>
      ) : null}
    </section>
  )
}
