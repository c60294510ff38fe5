// Setup progress after consent: the outcome so far and each onboarding step. While it moves, a script
// updates it in place from /consent/status (text only), or, without scripts, the page refreshes itself.
import type { Child } from 'hono/jsx'
import { Layout } from '../../../html/layout.tsx'
import { renderDocument } from '../../../html/render.ts'
import { STEP_STATUS_ICONS, STEP_STATUS_TONES } from '../../../html/step-status.ts'
import { CONSENT_STEP_LABELS, type ProgressStep, type ResultView, type VerdictView } from './presenter.ts'

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

/** Will it work? The first effective-trust verdict, once onboarding has evaluated it. */
function Verdict({ view }: { view: ResultView }) {
  if (view.outcome !== 'configured') return null
  const question = <h2>Will it work for {view.partnerName}'s operators?</h2>
  if (view.verdict === null) {
    return (
      <section class="panel" id="verdict" aria-live="polite">
        {question}
        <p>
          {view.verdictPending
            ? 'Checking whether the trust takes effect in your tenant (Conditional Access policies, licences and invitation settings)…'
            : `${view.partnerName} will see the answer after the first check and contact you if anything needs to change.`}
        </p>
      </section>
    )
  }
  return (
    <section class="panel" id="verdict">
      {question}
      <VerdictNotice verdict={view.verdict} />
    </section>
  )
}

function VerdictNotice({ verdict }: { verdict: VerdictView }) {
  return (
    <>
      <div class={`notice ${verdict.tone}`} data-verdict-headline={verdict.headline}>
        <p>
          <strong>{verdict.headline}.</strong> {verdict.reason}
        </p>
        {verdict.fix ? <p>To fix: {verdict.fix}</p> : null}
      </div>
      {verdict.requirements.length > 0 ? (
        <ul class="requirements">
          {verdict.requirements.map((r) => (
            <li>
              <strong>{r.name}</strong>: <span class={`badge ${r.tone}`}>{r.outcome}</span> {r.reason}
              {r.fix ? <> To fix: {r.fix}</> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
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
        data-phase={view.phase}
        data-step-labels={JSON.stringify(CONSENT_STEP_LABELS)}
        data-step-icons={JSON.stringify(STEP_STATUS_ICONS)}
        data-step-tones={JSON.stringify(STEP_STATUS_TONES)}
      >
        <Outcome view={view} />
        <Verdict view={view} />
        <section class="panel">
          <StepList steps={view.steps} />
        </section>
      </div>
      {view.outcome === 'configured' ? (
        <section class="panel" id="status-page">
          <h2>Keep an eye on it</h2>
          <p>
            Your status page shows what {view.partnerName} configured in your tenant, whether it still
            matches, and lets an administrator remove it.
          </p>
          <form method="post" action={`/consent/result/${view.attemptId}/status-page`} class="actions">
            <button type="submit">Get your status page link</button>
          </form>
        </section>
      ) : null}
    </Layout>,
  )
}
