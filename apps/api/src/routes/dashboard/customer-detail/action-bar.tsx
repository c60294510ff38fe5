// A button for each action the signed-in person may take on a customer (none for viewers). Every action is
// a plain POST form, so the page works without scripts; the popovers are <details> elements.
import { CsrfField, PostButton } from '../ui/staff-page.tsx'
import type { CustomerDetailView } from './presenter.ts'

const MODES = [
  ['report', 'Report', 'Record drift; no notification.'],
  ['alert', 'Alert', 'Record drift and notify.'],
  ['remediate', 'Remediate', 'Repair drift, verify, notify.'],
] as const

export function ActionBar({ view }: { view: CustomerDetailView }) {
  const actions = view.actions
  if (actions === null) return null
  const c = view.detail.customer
  const csrf = view.viewer.csrfToken
  const base = `/customers/${c.id}`
  const modes = [['', `Default (${view.defaultMode})`, 'Follow the global default.'] as const, ...MODES]
  return (
    <section class="action-bar" aria-label="Actions">
      {actions.recheck ? (
        <PostButton
          action={`${base}/recheck`}
          csrfToken={csrf}
          dataAction="recheck"
          buttonClass="secondary"
          title="Read the partner entry now and compare it with the policy"
        >
          Re-check now
        </PostButton>
      ) : null}
      {actions.apply ? (
        <details class="popover" data-action="apply">
          <summary class="button secondary">Apply policy now…</summary>
          <form method="post" action={`${base}/apply`} class="popover-body">
            <CsrfField token={csrf} />
            <p>
              Writes every <strong>repairable</strong> setting of the policy to {c.name}’s tenant now,
              whatever the mode, then verifies it. Report-only differences and accepted deviations are left as
              they are.
            </p>
            <button type="submit">Apply now</button>
          </form>
        </details>
      ) : null}
      {actions.consentLink ? (
        <PostButton
          action={`${base}/consent-links`}
          csrfToken={csrf}
          dataAction="consent-links"
          buttonClass={actions.consentLink === 'again' ? 'secondary' : ''}
        >
          {actions.consentLink === 'again' ? 'Issue consent link' : 'Issue new consent link'}
        </PostButton>
      ) : null}
      {actions.mode ? (
        <details class="popover" data-action="mode">
          <summary class="button secondary">Change mode</summary>
          <form method="post" action={`${base}/mode`} class="popover-body">
            <CsrfField token={csrf} />
            <fieldset>
              <legend>Monitoring mode</legend>
              {modes.map(([value, label, hint]) => (
                <label class="radio">
                  <input type="radio" name="mode" value={value} checked={(c.mode ?? '') === value} />
                  <span>
                    <strong>{label}</strong> <span class="muted">{hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <button type="submit">Save mode</button>
          </form>
        </details>
      ) : null}
      {actions.offboard ? (
        <details class="popover danger-zone" data-action="offboard">
          <summary class="button danger-outline">Offboard…</summary>
          <form method="post" action={`${base}/offboard`} class="popover-body">
            <CsrfField token={csrf} />
            <p>
              Offboarding <strong>deletes the partner entry</strong> for us from {c.name}’s cross-tenant
              access settings and stops monitoring. It cannot be undone here: onboarding again needs a new
              consent.
            </p>
            <label for="offboard-confirm">
              Type <strong class="mono">{c.name}</strong> to confirm
            </label>
            <input id="offboard-confirm" name="confirm" autocomplete="off" required />
            <label for="offboard-reason">Reason (kept in the audit trail)</label>
            <input id="offboard-reason" name="reason" autocomplete="off" maxlength={1000} />
            <button type="submit" class="danger">
              Offboard customer
            </button>
          </form>
        </details>
      ) : null}
    </section>
  )
}
