// Effective trust on the dashboard (docs/effective-trust.md): the verdict badge used by the customer list,
// and the customer page's panel with the reason, the fix, each requirement and finding, and, when the
// customer has not consented to a newly required permission, a one-click fresh consent link.
import type { TrustVerdict } from '@crosstrust/core'
import type { TrustDetail, TrustSummary } from '@crosstrust/services'
import { TimeAgo } from './badges.tsx'
import { PostButton } from './staff-page.tsx'

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

export function TrustBadge({ trust }: { trust: TrustSummary | null }) {
  if (trust === null)
    return (
      <span class="muted" data-trust="">
        —
      </span>
    )
  return (
    <span class={`badge ${TRUST_TONES[trust.verdict]}`} data-trust={trust.verdict} title={trust.reason}>
      {TRUST_LABELS[trust.verdict]}
    </span>
  )
}

const OUTCOME_LABELS: Record<string, string> = {
  not_required: 'Not asked',
  satisfied: 'Satisfied by trust',
  conditional: 'Depends on the method',
  prompted: 'Still prompted',
  blocked: 'Blocked',
}
const REQUIREMENT_LABELS: Record<string, string> = { mfa: 'MFA', compliant_device: 'Compliant device' }

export interface TrustPanelProps {
  customerId: string
  trust: TrustDetail | null
  /** Operators get the one-click fresh consent link; this is their form token. */
  reconsent: { csrfToken: string | null } | null
  now: Date
}

export function TrustPanel({ customerId, trust, reconsent, now }: TrustPanelProps) {
  if (trust === null) {
    return (
      <section class="panel" aria-labelledby="trust-h" id="trust">
        <h2 id="trust-h">Trust effective</h2>
        <p class="muted">Not evaluated yet: the next check reads the tenant's Conditional Access policies.</p>
      </section>
    )
  }
  const missing = trust.missingPermissions
  return (
    <section class="panel" aria-labelledby="trust-h" id="trust" data-trust={trust.verdict}>
      <h2 id="trust-h">
        Trust effective: <TrustBadge trust={trust} />
      </h2>
      <p class="trust-reason">{trust.reason}</p>
      {trust.fix ? (
        <p class="trust-fix">
          <strong>Fix:</strong> {trust.fix}
        </p>
      ) : null}
      {missing.length > 0 ? (
        <div class="notice warn" role="status" data-reconsent={missing.join(' ')}>
          <p>
            <strong>Re-consent needed:</strong> {missing.join(', ')}. Checks continue with the permissions the
            customer granted; only this verdict waits for the new one.
          </p>
          {reconsent ? (
            <PostButton
              action={`/customers/${customerId}/consent-links`}
              csrfToken={reconsent.csrfToken}
              dataAction="reconsent"
            >
              Send fresh consent link
            </PostButton>
          ) : null}
        </div>
      ) : null}
      {trust.requirements.length > 0 ? (
        <table class="trust-requirements">
          <thead>
            <tr>
              <th scope="col">Requirement</th>
              <th scope="col">For the partner's operators</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {trust.requirements.map((r) => (
              <tr data-requirement={r.requirement} data-outcome={r.outcome}>
                <td>{REQUIREMENT_LABELS[r.requirement] ?? r.requirement}</td>
                <td>{OUTCOME_LABELS[r.outcome] ?? r.outcome}</td>
                <td>
                  {r.reason}
                  {r.fix ? (
                    <>
                      <br />
                      <span class="muted">Fix: {r.fix}</span>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {trust.findings.length > 0 ? (
        <ul class="trust-findings">
          {trust.findings.map((f) => (
            <li data-finding={f.code} class={f.severity}>
              {f.reason}
              {f.fix ? <span class="muted"> Fix: {f.fix}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="muted">
        Evaluated <TimeAgo at={trust.evaluatedAt} now={now} />; verdict since{' '}
        <TimeAgo at={trust.changedAt} now={now} />.
      </p>
    </section>
  )
}
