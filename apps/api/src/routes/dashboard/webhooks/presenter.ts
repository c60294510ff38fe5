// The webhooks page's view: each endpoint with its URL redacted (for Teams and Slack the path is a
// credential) and its events in words, the form's values after a failed POST, and the URL rule in words.
import { NOTIFICATION_FORMATS, TRANSITION_KINDS } from '@crosstrust/core'
import { redactWebhookUrl, type PublicWebhookEndpoint } from '@crosstrust/services'
import { field, fields, type FieldErrors, type FormBody } from '../forms.ts'

const TRANSITION_LABELS: Record<string, string> = {
  drifted: 'Drifted',
  recovered: 'Recovered',
  remediated: 'Remediated',
  access_lost: 'Access lost',
  access_restored: 'Access restored',
  removed_by_customer: 'Removed by customer',
  onboarding_failed: 'Onboarding failed',
  onboarding_completed: 'Onboarding completed',
  trust_changed: 'Trust effectiveness changed',
  drift_attributed: 'Drift attributed (who changed it)',
}

/** The form's rule, in words: what `webhookUrlProblem` and the worker's connect-time check enforce. */
export function webhookHint(allowed: readonly string[]): string {
  const open =
    allowed.length === 0
      ? 'WEBHOOK_ALLOWED_PRIVATE_NETWORKS opens none here'
      : `WEBHOOK_ALLOWED_PRIVATE_NETWORKS opens ${allowed.join(', ')}`
  return (
    'https (http only to a loopback address). The host must be public: loopback, private, link-local, ' +
    `internal and reserved addresses are refused, also when a name resolves to one, unless ${open}. ` +
    'Redirects are not followed.'
  )
}

export interface EndpointRow {
  id: string
  name: string
  url: string
  format: string
  events: string
  enabled: boolean
  createdAt: Date
}

export interface WebhooksView {
  now: Date
  csrfToken: string | null
  endpoints: EndpointRow[]
  form: {
    name: string
    url: string
    format: string
    errors: FieldErrors | null
    formats: (readonly [string, string])[]
    events: { kind: string; label: string; checked: boolean }[]
    urlHint: string
  }
}

export function presentWebhooks(input: {
  endpoints: PublicWebhookEndpoint[]
  values: FormBody
  errors: FieldErrors | null
  allowedPrivateNetworks: readonly string[]
  csrfToken: string | null
  now: Date
}): WebhooksView {
  const chosen = new Set(fields(input.values, 'events'))
  return {
    now: input.now,
    csrfToken: input.csrfToken,
    endpoints: input.endpoints.map((e) => ({
      id: e.id,
      name: e.name,
      url: redactWebhookUrl(e.url),
      format: e.format,
      events: e.events.length === 0 ? 'All' : e.events.map((k) => TRANSITION_LABELS[k] ?? k).join(', '),
      enabled: e.enabled,
      createdAt: e.createdAt,
    })),
    form: {
      name: field(input.values, 'name'),
      url: field(input.values, 'url'),
      format: field(input.values, 'format') || 'json',
      errors: input.errors,
      formats: NOTIFICATION_FORMATS.map(
        (f) => [f, f === 'json' ? 'JSON (signed)' : f === 'teams' ? 'Microsoft Teams' : 'Slack'] as const,
      ),
      events: TRANSITION_KINDS.map((k) => ({
        kind: k,
        label: TRANSITION_LABELS[k] ?? k,
        checked: chosen.has(k),
      })),
      urlHint: webhookHint(input.allowedPrivateNetworks),
    },
  }
}
