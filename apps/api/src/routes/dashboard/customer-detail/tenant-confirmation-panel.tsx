// "Is this <customer>?": the panel an Operator answers before a first-time tenant is bound (the POST is in
// ../tenant-confirmation.ts). Nothing is written to the tenant before the answer is yes.
import type { PendingTenantConfirmation } from '@crosstrust/services'
import { CsrfField } from '../ui/staff-page.tsx'
import type { StaffViewer } from '../ui/staff-page.tsx'

function Decision(props: {
  pending: PendingTenantConfirmation
  csrfToken: string | null
  decision: 'confirm' | 'reject'
  label: string
  buttonClass: string
}) {
  return (
    <form method="post" action={`/customers/${props.pending.customerId}/tenant-confirmation`} class="inline">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="tenantId" value={props.pending.tenantId} />
      <input type="hidden" name="decision" value={props.decision} />
      <button type="submit" class={props.buttonClass || undefined} data-decision={props.decision}>
        {props.label}
      </button>
    </form>
  )
}

export function TenantConfirmationPanel(props: {
  pending: PendingTenantConfirmation | null
  viewer: StaffViewer
}) {
  const { pending, viewer } = props
  if (pending === null) return null
  const who = pending.consentedBy.username ?? pending.consentedBy.name ?? 'an administrator'
  const domains =
    pending.verifiedDomains.length > 0 ? pending.verifiedDomains.join(', ') : 'no verified domains'
  return (
    <section class="panel notice warn" id="tenant-confirmation" aria-labelledby="confirm-h">
      <h2 id="confirm-h">Confirm the customer’s tenant</h2>
      <p>
        <strong>{pending.tenantDisplayName ?? 'A tenant'}</strong> ({domains}), tenant{' '}
        <span class="mono">{pending.tenantId}</span>, consented as {who}. Is this{' '}
        <strong>{pending.customerName}</strong>?
      </p>
      <p class="muted">
        This customer was created without a domain or tenant ID, so nothing is written to this tenant until an
        Operator confirms it. If it is not the customer, refuse it and send a new link to the right
        administrator.
      </p>
      {viewer.operator ? (
        <div class="actions">
          <Decision
            pending={pending}
            csrfToken={viewer.csrfToken}
            decision="confirm"
            label={`Yes, this is ${pending.customerName}`}
            buttonClass=""
          />{' '}
          <Decision
            pending={pending}
            csrfToken={viewer.csrfToken}
            decision="reject"
            label="No, refuse this tenant"
            buttonClass="secondary danger-text"
          />
        </div>
      ) : (
        <p class="muted">An Operator can confirm it.</p>
      )}
    </section>
  )
}
