// The side column of a customer's page: the onboarding timeline, the consent links, and the facts.
import type { StepView } from '@crosstrust/services'
import { STEP_STATUS_ICONS } from '../../../html/step-status.ts'
import { STEP_LABELS, type Tone } from '../format.ts'
import { Badge, TimeAgo } from '../ui/badges.tsx'
import { PostButton } from '../ui/staff-page.tsx'
import type { CustomerDetailView } from './presenter.ts'

function StepMeta({ step: s, now }: { step: StepView; now: Date }) {
  if (s.finishedAt)
    return (
      <>
        {s.status === 'failed' ? 'Failed' : 'Done'} <TimeAgo at={s.finishedAt} now={now} />
      </>
    )
  if (s.startedAt)
    return (
      <>
        Started <TimeAgo at={s.startedAt} now={now} />
      </>
    )
  return <span class="muted">{s.status === 'skipped' ? 'Skipped' : 'Not started'}</span>
}

export function Timeline({ view }: { view: CustomerDetailView }) {
  const steps = view.detail.steps
  return (
    <section class="panel" aria-labelledby="steps-h">
      <h2 id="steps-h">Onboarding</h2>
      {steps.length === 0 ? <p class="muted">No onboarding steps recorded.</p> : null}
      <ol class="steps timeline" id="steps">
        {steps.map((s) => (
          <li class={s.status} data-step={s.step} data-status={s.status}>
            <span class="icon" aria-hidden="true">
              {STEP_STATUS_ICONS[s.status] ?? ''}
            </span>
            <div>
              <div class="step-title">
                {STEP_LABELS[s.step] ?? s.step} <span class="visually-hidden">({s.status})</span>
              </div>
              {s.message ? <div class="message">{s.message}</div> : null}
              <div class="meta">
                <StepMeta step={s} now={view.now} />
                {s.attempts > 1 ? ` · ${String(s.attempts)} attempts` : null}
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  )
}

const LINK_LABELS: Record<string, [string, Tone]> = {
  open: ['Open', 'info'],
  used: ['Used', 'ok'],
  revoked: ['Revoked', 'neutral'],
  expired: ['Expired', 'warn'],
}

export function ConsentLinks({ view }: { view: CustomerDetailView }) {
  const links = view.detail.consentLinks
  const now = view.now
  return (
    <section class="panel" aria-labelledby="links-h">
      <h2 id="links-h">Consent links</h2>
      {links.length === 0 ? (
        <p class="muted">No link issued yet.</p>
      ) : (
        <ul class="links">
          {links.slice(0, 6).map((l) => {
            const [label, tone] = LINK_LABELS[l.status] ?? [l.status, 'neutral']
            return (
              <li data-link={l.id} data-status={l.status}>
                <div>
                  <Badge label={label} tone={tone} />{' '}
                  <span class="meta">
                    {l.delivery === 'email' ? 'mailed ' : 'issued '}
                    <TimeAgo at={l.createdAt} now={now} />
                  </span>
                </div>
                <div class="meta">
                  {l.status === 'used' ? 'used ' : l.status === 'revoked' ? 'revoked ' : null}
                  {l.status === 'expired' ? 'expired ' : l.status === 'open' ? 'expires ' : null}
                  <TimeAgo
                    at={l.status === 'used' ? l.usedAt : l.status === 'revoked' ? l.revokedAt : l.expiresAt}
                    now={now}
                  />
                </div>
                {view.viewer.operator && l.status === 'open' ? (
                  <PostButton
                    action={`/customers/${view.detail.customer.id}/consent-links/${l.id}/revoke`}
                    csrfToken={view.viewer.csrfToken}
                    dataAction="revoke-link"
                    buttonClass="link danger-text"
                  >
                    Revoke
                  </PostButton>
                ) : null}
              </li>
            )
          })}
        </ul>
      )}
      <p class="hint">
        Links are shown only once, when issued. Lost one? Issue a new link: earlier links stop working.
        Sending a link by email adds one and leaves the earlier ones working.
      </p>
    </section>
  )
}

export function Facts({ view }: { view: CustomerDetailView }) {
  const c = view.detail.customer
  const now = view.now
  return (
    <section class="panel" aria-labelledby="facts-h">
      <h2 id="facts-h">Details</h2>
      <dl class="facts">
        <dt>Created</dt>
        <dd>
          <TimeAgo at={c.createdAt} now={now} />
        </dd>
        <dt>Licence</dt>
        <dd>
          {c.licence === 'unknown' ? <span class="muted">Not checked yet</span> : c.licence.toUpperCase()}
        </dd>
        <dt>Next check</dt>
        <dd>
          <TimeAgo at={c.nextCheckAt} now={now} empty="Not scheduled" />
        </dd>
        <dt>Check interval</dt>
        <dd>
          {c.checkIntervalSeconds ? `${String(Math.round(c.checkIntervalSeconds / 60))} min` : 'Default'}
        </dd>
        <dt>Mode</dt>
        <dd>{view.modeLabel}</dd>
        {c.contacts.length > 0 ? (
          <>
            <dt>Contacts</dt>
            <dd>
              <ul class="plain">
                {c.contacts.map((p) => (
                  <li>
                    {p.name}
                    {p.role ? <span class="muted"> ({p.role})</span> : null}
                    <br />
                    <a href={`mailto:${p.email}`}>{p.email}</a>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {c.notes ? (
          <>
            <dt>Notes</dt>
            <dd class="notes">{c.notes}</dd>
          </>
        ) : null}
        <dt>Customer ID</dt>
        <dd class="mono small">{c.id}</dd>
      </dl>
    </section>
  )
}
