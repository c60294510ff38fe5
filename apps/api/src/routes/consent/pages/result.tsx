// Setup progress after consent: the outcome so far and each onboarding step. While it moves, a script
// updates it in place from /consent/status (text only), or, without scripts, the page refreshes itself.
import type { Child } from 'hono/jsx'
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'
import { STEP_STATUS_ICONS, STEP_STATUS_TONES } from '../../../html/step-status.ts'
import { CONSENT_STEP_LABELS, type ProgressStep, type ResultView } from './presenter.ts'

const OUTCOMES: Record<ResultView['outcome'], { tone: string; text: (partner: string) => Child }> = {
  configured: {
    tone: 'ok',
    text: (partner) => (
      <>
        <strong>Configured.</strong> {partner} is set up in your cross-tenant access settings and verified.
        Inbound access: Configured · Outbound access: Inherited from default · Tenant restrictions: Inherited
        from default. You can close this page.
      </>
    ),
  },
  failed: {
    tone: 'bad',
    text: (partner) => (
      <>
        <strong>The setup stopped.</strong> {partner} has been notified and will contact you if anything is
        needed.
      </>
    ),
  },
  awaiting: {
    tone: 'info',
    text: (partner) => (
      <>
        <strong>Consent received.</strong> Before anything is changed in your tenant, {partner} confirms that
        this tenant is yours. You can close this page; the settings are applied as soon as they confirm, and
        this page shows it when you come back.
      </>
    ),
  },
  running: {
    tone: 'info',
    text: (partner) => (
      <>
        Thank you. Crosstrust is now setting up {partner}; this usually takes less than a minute. This page
        updates by itself.
      </>
    ),
  },
}

function Outcome({ view }: { view: ResultView }) {
  const outcome = OUTCOMES[view.outcome]
  return (
    <div class={`notice ${outcome.tone}`} id="outcome" data-outcome={view.outcome}>
      <p>{outcome.text(view.partnerName)}</p>
    </div>
  )
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
      <div
        id="live"
        data-status-url={`/consent/status/${view.attemptId}`}
        data-step-labels={JSON.stringify(CONSENT_STEP_LABELS)}
        data-step-icons={JSON.stringify(STEP_STATUS_ICONS)}
        data-step-tones={JSON.stringify(STEP_STATUS_TONES)}
      >
        <Outcome view={view} />
        <section class="panel">
          <StepList steps={view.steps} />
        </section>
      </div>
    </Layout>,
  )
}
