// The top of a customer's page: name, tenant and domains, the customer status with its fix, the state badges, and the notice that explains a
// failure or a lost access.
import type { Child } from 'hono/jsx'
import { Badge, ComplianceBadge, OnboardingBadge, TimeAgo } from '../ui/badges.tsx'
import { StatusLine } from '../ui/customer-status.tsx'
import type { CustomerDetailView, Problem } from './presenter.ts'

function StateFact({ label, id, children }: { label: string; id?: string; children: Child }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd id={id}>{children}</dd>
    </div>
  )
}

export function CustomerHead({ view }: { view: CustomerDetailView }) {
  const c = view.detail.customer
  return (
    <>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/customers">Customers</a> / {c.name}
      </nav>
      <div class="customer-head">
        <div>
          <h1 id="customer-name">{c.name}</h1>
          <p class="tenant-line">
            {c.tenantDisplayName ? <span>{c.tenantDisplayName}</span> : null}
            {view.tenant ? (
              <span class="mono" title="Tenant ID">
                {view.tenant}
              </span>
            ) : (
              <span class="muted">Tenant not known until the administrator consents</span>
            )}
            {view.domains ? <span>{view.domains}</span> : null}
          </p>
          <StatusLine status={view.detail.status} />
        </div>
        <dl class="state-badges">
          <StateFact label="Onboarding" id="onboarding-state">
            <OnboardingBadge state={c.onboardingState} />
          </StateFact>
          <StateFact label="Compliance" id="compliance-state">
            <ComplianceBadge state={c.complianceState} />
          </StateFact>
          <StateFact label="Mode">
            <Badge label={view.modeLabel} tone="info" />
          </StateFact>
          <StateFact label="Last check">
            <TimeAgo at={c.lastCheckAt} now={view.now} empty="Never" />
          </StateFact>
        </dl>
      </div>
    </>
  )
}

export function ProblemNotice({ problem }: { problem: Problem | null }) {
  switch (problem?.kind) {
    case undefined:
      return null
    case 'onboarding_failed':
      return (
        <div class="notice bad" role="status">
          <p>
            <strong>Onboarding failed{problem.step ? ` at “${problem.step}”` : ''}.</strong> {problem.message}
          </p>
          <p class="muted">Fix the cause with the customer, then issue a new consent link.</p>
        </div>
      )
    case 'access_lost':
      return (
        <div class="notice bad" role="status">
          <p>
            <strong>Access lost.</strong> {problem.reason} Issue a new consent link to restore it.
          </p>
        </div>
      )
    case 'removed_by_customer':
      return (
        <div class="notice bad" role="status">
          <p>
            <strong>Removed by the customer.</strong> The partner entry was deleted from their cross-tenant
            access settings.
          </p>
        </div>
      )
    case 'unreadable':
      return (
        <div class="notice warn" role="status">
          <p>
            <strong>Last check could not read the settings.</strong> {problem.reason}
          </p>
        </div>
      )
  }
}
