// A customer's page: state at a glance, the onboarding timeline, the policy field by field (desired next to
// observed, as the Entra admin center words it), consent links and their emails, run history and audit trail, the evidence pack download, and a button
// for each action the signed-in person may take (none for viewers). One component per section.
import { EvidencePanel } from '../evidence/period-form.tsx'
import { TrustPanel } from '../ui/trust.tsx'
import { ActionBar } from './action-bar.tsx'
import { DriftPanel } from './drift-panel.tsx'
import { ConsentEmailPanel, type ConsentEmailPanelProps } from './consent-emails.tsx'
import { CustomerHead, ProblemNotice } from './head.tsx'
import { AuditTrail, RunHistory } from './history.tsx'
import { PolicySection } from './policy-section.tsx'
import type { CustomerDetailView } from './presenter.ts'
import { ConsentLinks, Facts, Timeline } from './sidebar.tsx'
import { StatusLinkPanel, type StatusLinkPanelProps } from './status-link-panel.tsx'
import { TenantConfirmationPanel } from './tenant-confirmation-panel.tsx'

export function CustomerDetailPage({
  view,
  emails,
  statusLink,
}: {
  view: CustomerDetailView
  emails: ConsentEmailPanelProps
  statusLink: StatusLinkPanelProps
}) {
  return (
    <>
      <CustomerHead view={view} />
      <ActionBar view={view} />
      <ProblemNotice problem={view.problem} />
      <TenantConfirmationPanel pending={view.confirmation} viewer={view.viewer} />
      {view.waiting ? (
        <p class="live muted" data-refresh="5" role="status">
          This page refreshes itself while onboarding is in progress.
        </p>
      ) : null}
      <div class="detail-grid">
        <div class="main-col">
          {view.showTrust ? (
            <TrustPanel
              customerId={view.detail.customer.id}
              trust={view.trust}
              reconsent={view.viewer.operator ? { csrfToken: view.viewer.csrfToken } : null}
              now={view.now}
            />
          ) : null}
          <PolicySection view={view} />
          {view.showTrust ? <DriftPanel view={view} /> : null}
          <RunHistory view={view} />
          <AuditTrail view={view} />
        </div>
        <aside class="side-col" aria-label="Onboarding and links">
          <Timeline view={view} />
          <ConsentLinks view={view} />
          <ConsentEmailPanel {...emails} />
          <StatusLinkPanel {...statusLink} />
          <Facts view={view} />
          <EvidencePanel customerId={view.detail.customer.id} now={view.now} />
        </aside>
      </div>
    </>
  )
}
