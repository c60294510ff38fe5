// Effective trust on the dashboard (docs/effective-trust.md): the verdict badge used by the customer list,
// and the customer page's panel with the reason, the fix, each requirement and finding, and, when the
// customer has not consented to a newly required permission, a one-click fresh consent link.
import type { TrustVerdict } from '@crosstrust/core'
import type { TrustDetail, TrustSummary } from '@crosstrust/services'
import type { FastifyRequest } from 'fastify'
import { html, type SafeHtml } from '../../html/html.ts'
import { can, csrfField } from './chrome.ts'
import { timeAgo } from './format.ts'

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

const OUTCOME_LABELS: Record<string, string> = {
  not_required: 'Not asked',
  satisfied: 'Satisfied by trust',
  conditional: 'Depends on the method',
  prompted: 'Still prompted',
  blocked: 'Blocked',
}
const REQUIREMENT_LABELS: Record<string, string> = { mfa: 'MFA', compliant_device: 'Compliant device' }

export function trustSection(
  request: FastifyRequest,
  customerId: string,
  trust: TrustDetail | null,
  now: Date,
): SafeHtml {
  if (trust === null) {
    return html`<section class="panel" aria-labelledby="trust-h" id="trust">
      <h2 id="trust-h">Trust effective</h2>
      <p class="muted">Not evaluated yet: the next check reads the tenant's Conditional Access policies.</p>
    </section>`
  }
  const reconsent = trust.missingPermissions.length > 0
  return html`<section class="panel" aria-labelledby="trust-h" id="trust" data-trust="${trust.verdict}">
    <h2 id="trust-h">Trust effective: ${trustBadge(trust)}</h2>
    <p class="trust-reason">${trust.reason}</p>
    ${trust.fix ? html`<p class="trust-fix"><strong>Fix:</strong> ${trust.fix}</p>` : ''}
    ${
      reconsent
        ? html`<div class="notice warn" role="status" data-reconsent="${trust.missingPermissions.join(' ')}">
            <p>
              <strong>Re-consent needed:</strong> ${trust.missingPermissions.join(', ')}. Checks continue with
              the permissions the customer granted; only this verdict waits for the new one.
            </p>
            ${
              can(request, 'Operator')
                ? html`<form method="post" action="/customers/${customerId}/consent-links" class="inline">
                    ${csrfField(request)}<button type="submit" data-action="reconsent">
                      Send fresh consent link
                    </button>
                  </form>`
                : ''
            }
          </div>`
        : ''
    }
    ${
      trust.requirements.length > 0
        ? html`<table class="trust-requirements">
            <thead>
              <tr>
                <th scope="col">Requirement</th>
                <th scope="col">For the partner's operators</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              ${trust.requirements.map(
                (r) =>
                  html`<tr data-requirement="${r.requirement}" data-outcome="${r.outcome}">
                    <td>${REQUIREMENT_LABELS[r.requirement] ?? r.requirement}</td>
                    <td>${OUTCOME_LABELS[r.outcome] ?? r.outcome}</td>
                    <td>${r.reason}${r.fix ? html`<br /><span class="muted">Fix: ${r.fix}</span>` : ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
    ${
      trust.findings.length > 0
        ? html`<ul class="trust-findings">
            ${trust.findings.map(
              (f) =>
                html`<li data-finding="${f.code}" class="${f.severity}">
                  ${f.reason}${f.fix ? html` <span class="muted">Fix: ${f.fix}</span>` : ''}
                </li>`,
            )}
          </ul>`
        : ''
    }
    <p class="muted">
      Evaluated ${timeAgo(trust.evaluatedAt, now)}; verdict since ${timeAgo(trust.changedAt, now)}.
    </p>
  </section>`
}
