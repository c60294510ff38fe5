// Effective trust on the dashboard (docs/effective-trust.md): the verdict badge used by the customer list,
// and the customer page's panel with the reason, the fix, each requirement and finding, and, when the
// customer has not consented to a newly required permission, a one-click fresh consent link.
import type { TrustVerdict } from '@crosstrust/core'
import type { TrustSummary } from '@crosstrust/services'
import { html, type SafeHtml } from '../../html/html.ts'

export const TRUST_LABELS: Record<TrustVerdict, string> = {
  effective: 'Effective',
  partly: 'Partly',
  no_effect: 'No effect',
  blocked: 'Blocked',
  unknown: 'Unknown',
}
/** Badge classes of the dashboard's stylesheet. */
const TRUST_TONES: Record<TrustVerdict, string> = {
  effective: 'ok',
  partly: 'warn',
  no_effect: '',
  blocked: 'bad',
  unknown: 'info',
}

export function trustBadge(trust: TrustSummary | null): SafeHtml {
  if (trust === null) return html`<span class="muted" data-trust="">—</span>`
  return html`<span
    class="badge ${TRUST_TONES[trust.verdict]}"
    data-trust="${trust.verdict}"
    title="${trust.reason}"
    >${TRUST_LABELS[trust.verdict]}</span
  >`
}
