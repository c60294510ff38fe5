// The customer status (Lighthouse's vocabulary) on the dashboard: the badge of the customer list, with the
// reason and fix one hover away, and the customer page's line with the fix spelled out.
import { CUSTOMER_STATUS_LABELS, type CustomerStatus, type CustomerStatusCode } from '@crosstrust/core'
import type { Tone } from '../format.ts'

/** Badge classes of the dashboard's stylesheet. */
const STATUS_TONES: Record<CustomerStatusCode, Tone> = {
  pending: 'info',
  managed: 'ok',
  access_needed: 'bad',
  removed_by_customer: 'bad',
  removed_by_partner: 'neutral',
  error: 'warn',
}

export const STATUS_FILTER_OPTIONS: readonly (readonly [string, string])[] =
  Object.entries(CUSTOMER_STATUS_LABELS)

export function StatusBadge({ status }: { status: CustomerStatus }) {
  const tone = STATUS_TONES[status.code]
  const title = status.fix === null ? status.reason : `${status.reason} Fix: ${status.fix}`
  return (
    <span class={`badge ${tone === 'neutral' ? '' : tone}`} data-status={status.code} title={title}>
      {status.label}
    </span>
  )
}

/** The customer page's status line: badge, reason and the plain fix. */
export function StatusLine({ status }: { status: CustomerStatus }) {
  return (
    <p class="status-line" data-customer-status={status.code}>
      <StatusBadge status={status} /> {status.reason}
      {status.fix === null ? null : (
        <>
          {' '}
          <strong>Fix:</strong> {status.fix}
        </>
      )}
    </p>
  )
}
