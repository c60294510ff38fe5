// Setup progress after consent: the outcome so far and each onboarding step. While it moves, a script
// updates it in place from /consent/status (text only), or, without scripts, the page refreshes itself.
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'
import type { ProgressStep, ResultView } from './presenter.ts'

function Outcome({ view }: { view: ResultView }) {
  const partner = view.partnerName
  switch (view.outcome) {
    case 'configured':
      return (
        <div class="notice ok" id="outcome" data-outcome="configured">
          <p>
            <strong>Configured.</strong> {partner} is set up in your cross-tenant access settings and
            verified. Inbound access: Configured · Outbound access: Inherited from default · Tenant
            restrictions: Inherited from default. You can close this page.
          </p>
        </div>
      )
    case 'failed':
      return (
        <div class="notice bad" id="outcome" data-outcome="failed">
          <p>
            <strong>The setup stopped.</strong> {partner} has been notified and will contact you if anything
            is needed.
          </p>
        </div>
      )
    case 'awaiting':
      return (
        <div class="notice info" id="outcome" data-outcome="awaiting">
          <p>
            <strong>Consent received.</strong> Before anything is changed in your tenant, {partner} confirms
            that this tenant is yours. You can close this page; the settings are applied as soon as they
            confirm, and this page shows it when you come back.
          </p>
        </div>
      )
    case 'running':
      return (
        <div class="notice info" id="outcome" data-outcome="running">
          <p>
            Thank you. Crosstrust is now setting up {partner}; this usually takes less than a minute. This
            page updates by itself.
          </p>
        </div>
      )
  }
}

export function StepList({ steps }: { steps: ProgressStep[] }) {
  return (
    <ol class="steps" id="steps" aria-live="polite">
      {steps.map((s) => (
        <li class={s.status} data-step={s.step}>
          <span class="icon" aria-hidden="true">
            {s.icon}
          </span>
          <span>
            <strong>{s.label}</strong>
            {s.message ? (
              <>
                <br />
                <span class="message">{s.message}</span>
              </>
            ) : null}
          </span>
          <span class={`badge ${s.tone}`}>{s.status}</span>
        </li>
      ))}
    </ol>
  )
}

export function resultPage(view: ResultView): string {
  return renderDocument(
    <Layout
      title="Setup progress"
      audience="customer"
      refreshSeconds={view.live ? 3 : undefined}
      scripts={view.live ? ['/assets/consent-status.js'] : []}
    >
      <h1>Cross-tenant access setup for {view.customerName}</h1>
      <div id="live" data-status-url={`/consent/status/${view.attemptId}`}>
        <Outcome view={view} />
        <section class="panel">
          <StepList steps={view.steps} />
        </section>
      </div>
    </Layout>,
  )
}
