// The overview: where every customer stands (counts by onboarding state, compliance and mode, each a link
// to the filtered list) and what needs a person now (failed onboarding, drift, lost access, entries the
// customer removed, consent links about to expire), each with its reason and since when.
import {
  COMPLIANCE_STATE_VALUES,
  ONBOARDING_STATE_VALUES,
  listNeedsAttention,
  summaryCounts,
  type AttentionItem,
  type AttentionReason,
  type SummaryCounts,
} from '@crosstrust/services'
import type { FastifyInstance } from 'fastify'
import { html, type SafeHtml } from '../../html/html.ts'
import { can, sendPage } from './chrome.ts'
import type { DashboardDeps } from './deps.ts'
import type { FlashStore } from './flash.ts'
import {
  COMPLIANCE_LABELS,
  MODE_LABELS,
  ONBOARDING_LABELS,
  badge,
  complianceBadge,
  onboardingBadge,
  plural,
  timeAgo,
} from './format.ts'

const ATTENTION_LIMIT = 25

const REASONS: Record<AttentionReason, { badge: SafeHtml; fallback: string; filter: string; label: string }> =
  {
    failed_onboarding: {
      badge: onboardingBadge('failed'),
      fallback: 'Onboarding failed: the customer’s page shows the step and the reason.',
      filter: '/customers?onboardingState=failed',
      label: 'failed onboarding',
    },
    drifted: {
      badge: complianceBadge('drifted'),
      fallback: 'The partner settings in the customer’s tenant differ from the policy.',
      filter: '/customers?complianceState=drifted',
      label: 'drifted',
    },
    access_lost: {
      badge: complianceBadge('access_lost'),
      fallback: 'Consent was revoked or the app was removed from the customer’s tenant.',
      filter: '/customers?complianceState=access_lost',
      label: 'access lost',
    },
    removed_by_customer: {
      badge: complianceBadge('removed_by_customer'),
      fallback: 'The customer deleted our partner entry from their cross-tenant access settings.',
      filter: '/customers?complianceState=removed_by_customer',
      label: 'removed by the customer',
    },
    link_expiring: {
      badge: badge('Link expiring', 'warn'),
      fallback: 'The consent link has not been used yet.',
      filter: '/customers?onboardingState=link_issued',
      label: 'expiring links',
    },
  }

function attentionRow(item: AttentionItem, now: Date): SafeHtml {
  const r = REASONS[item.reason]
  const expiring = item.reason === 'link_expiring'
  return html`<tr data-reason="${item.reason}">
    <th scope="row"><a href="/customers/${item.customerId}">${item.name}</a></th>
    <td>${r.badge}</td>
    <td class="reason">${item.detail ?? r.fallback}</td>
    <td class="nowrap">
      ${expiring ? html`expires ${timeAgo(item.at, now)}` : html`since ${timeAgo(item.at, now)}`}
    </td>
  </tr>`
}

/** Bar widths in 5% steps as classes: the CSP allows no inline styles. Any non-zero count shows. */
function barWidth(n: number, total: number): string {
  if (n === 0 || total === 0) return '0'
  return String(Math.max(5, Math.round((n / total) * 20) * 5))
}

function statList(
  title: string,
  id: string,
  entries: readonly (readonly [key: string, label: string, n: number, href: string, tone?: string])[],
  total: number,
): SafeHtml {
  return html`<section class="panel stat-list" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    <ul>
      ${entries.map(
        ([key, label, n, href, tone]) =>
          html`<li data-key="${key}" class="${n === 0 ? 'zero' : ''}">
            <a href="${href}">
              <span class="label">${label}</span>
              <span class="bar" aria-hidden="true"
                ><span class="fill ${tone ?? ''} w-${barWidth(n, total)}"></span
              ></span>
              <span class="n">${n.toLocaleString('en-US')}</span>
            </a>
          </li>`,
      )}
    </ul>
  </section>`
}

function tile(label: string, n: number, href: string, tone: string, hint: string): SafeHtml {
  return html`<a class="stat ${tone}" href="${href}">
    <span class="n">${n.toLocaleString('en-US')}</span>
    <span class="l">${label}</span>
    <span class="hint">${hint}</span>
  </a>`
}

const COMPLIANCE_TONE: Record<string, string> = {
  compliant: 'ok',
  drifted: 'warn',
  access_lost: 'bad',
  removed_by_customer: 'bad',
}
const ONBOARDING_TONE: Record<string, string> = { onboarded: 'ok', failed: 'bad', offboarding: 'warn' }

function tiles(counts: SummaryCounts): SafeHtml {
  const inProgress = ONBOARDING_STATE_VALUES.filter(
    (s) => !['onboarded', 'failed', 'offboarding', 'offboarded'].includes(s),
  ).reduce((sum, s) => sum + counts.byOnboardingState[s], 0)
  const a = counts.needsAttention
  return html`<div class="tiles">
    ${tile('Customers', counts.total, '/customers', '', `${counts.byOnboardingState.onboarded.toLocaleString('en-US')} onboarded`)}
    ${tile('Compliant', counts.byComplianceState.compliant, '/customers?complianceState=compliant', 'ok', 'verified against the policy')}
    ${tile('Onboarding', inProgress, '/customers?sort=newest', 'info', 'waiting for consent or running')}
    ${tile('Drifted', a.drifted, '/customers?complianceState=drifted', a.drifted > 0 ? 'warn' : '', 'settings differ from policy')}
    ${tile('Access lost', a.accessLost + a.removedByCustomer, '/customers?complianceState=access_lost', a.accessLost + a.removedByCustomer > 0 ? 'bad' : '', 'consent revoked or entry removed')}
    ${tile('Failed onboarding', a.failedOnboarding, '/customers?onboardingState=failed', a.failedOnboarding > 0 ? 'bad' : '', 'needs a new link or a fix')}
  </div>`
}

export function overviewRoutes(app: FastifyInstance, deps: DashboardDeps, flash: FlashStore) {
  app.get('/', async (request, reply) => {
    const now = deps.ctx.now()
    const db = deps.ctx.db
    const [counts, items] = await Promise.all([
      summaryCounts(db, now),
      listNeedsAttention(db, { now, limit: ATTENTION_LIMIT }),
    ])
    const a = counts.needsAttention
    const hidden = a.total - items.length
    const total = counts.total
    const body = html`<div class="page-head">
        <h1>Overview</h1>
        ${can(request, 'Operator') ? html`<a class="button" href="/customers/new">New customer</a>` : ''}
      </div>
      ${tiles(counts)}
      <section class="panel attention" aria-labelledby="attention">
        <div class="section-head">
          <h2 id="attention">Needs attention</h2>
          <span class="count ${a.total > 0 ? 'bad' : 'ok'}"
            >${a.total === 0 ? 'All clear' : plural(a.total, 'item')}</span
          >
        </div>
        ${
          items.length === 0
            ? html`<p class="all-clear">
                Nothing needs attention: no failed onboarding, drift, lost access or expiring links.
              </p>`
            : html`<table>
                <caption class="visually-hidden">
                  Customers that need attention
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Status</th>
                    <th scope="col">Reason</th>
                    <th scope="col">When</th>
                  </tr>
                </thead>
                <tbody>
                  ${items.map((i) => attentionRow(i, now))}
                </tbody>
              </table>`
        }
        ${
          hidden > 0
            ? html`<p class="more">
                ${plural(hidden, 'more item')} not shown. Filter the list:
                ${(Object.keys(REASONS) as AttentionReason[]).map(
                  (k, n) => html`${n > 0 ? ' · ' : ''}<a href="${REASONS[k].filter}">${REASONS[k].label}</a>`,
                )}
              </p>`
            : ''
        }
      </section>
      <div class="stat-lists">
        ${statList(
          'Onboarding',
          'by-onboarding',
          ONBOARDING_STATE_VALUES.map(
            (s) =>
              [
                s,
                ONBOARDING_LABELS[s] ?? s,
                counts.byOnboardingState[s],
                `/customers?onboardingState=${s}`,
                ONBOARDING_TONE[s] ?? 'info',
              ] as const,
          ),
          total,
        )}
        ${statList(
          'Compliance',
          'by-compliance',
          COMPLIANCE_STATE_VALUES.map(
            (s) =>
              [
                s,
                COMPLIANCE_LABELS[s] ?? s,
                counts.byComplianceState[s],
                `/customers?complianceState=${s}`,
                COMPLIANCE_TONE[s] ?? '',
              ] as const,
          ),
          total,
        )}
        ${statList(
          'Monitoring mode',
          'by-mode',
          [
            ...(['report', 'alert', 'remediate'] as const).map(
              (m) => [m, MODE_LABELS[m] ?? m, counts.byMode[m], `/customers?mode=${m}`, 'info'] as const,
            ),
            [
              'default',
              `Default (${MODE_LABELS[deps.defaultMode] ?? deps.defaultMode})`,
              counts.byMode.default,
              '/customers?mode=default',
              'info',
            ] as const,
          ],
          total,
        )}
      </div>`
    return sendPage(request, reply, {
      title: 'Overview',
      section: 'overview',
      body,
      flash: await flash.take(request, reply),
    })
  })
}
