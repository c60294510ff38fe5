// The webhooks page's presenter: endpoints with their URL redacted and events in words, and the form as
// submitted (with its errors) or fresh.
import type { PublicWebhookEndpoint } from '@crosstrust/services'
import { describe, expect, it } from 'vitest'
import { presentWebhooks, webhookHint } from '../src/routes/dashboard/webhooks/presenter.ts'

const now = new Date('2026-12-03T08:00:00Z')
const endpoint = (over: Partial<PublicWebhookEndpoint>): PublicWebhookEndpoint => ({
  id: 'w1',
  name: 'Ops',
  url: 'https://hooks.example/ops',
  format: 'json',
  events: [],
  enabled: true,
  createdBy: 'oid-1',
  createdAt: now,
  updatedAt: now,
  ...over,
})

const ALL_EVENTS = [
  ['drifted', 'Drifted'],
  ['recovered', 'Recovered'],
  ['remediated', 'Remediated'],
  ['access_lost', 'Access lost'],
  ['access_restored', 'Access restored'],
  ['removed_by_customer', 'Removed by customer'],
  ['onboarding_failed', 'Onboarding failed'],
  ['onboarding_completed', 'Onboarding completed'],
  ['trust_changed', 'Trust effectiveness changed'],
  ['drift_attributed', 'Drift attributed (who changed it)'],
] as const

describe('webhooks page presenter', () => {
  it('lists endpoints with the URL redacted and the events in words', () => {
    const view = presentWebhooks({
      endpoints: [
        endpoint({}),
        endpoint({
          id: 'w2',
          name: 'Teams',
          url: 'https://example.webhook.office.com/webhookb2/secret-path?x=1',
          format: 'teams',
          events: ['drifted', 'access_lost'],
          enabled: false,
        }),
      ],
      values: {},
      errors: null,
      allowedPrivateNetworks: [],
      csrfToken: 't',
      now,
    })
    expect(view.endpoints).toEqual([
      {
        id: 'w1',
        name: 'Ops',
        url: 'https://hooks.example/…',
        format: 'json',
        events: 'All',
        enabled: true,
        createdAt: now,
      },
      {
        id: 'w2',
        name: 'Teams',
        url: 'https://example.webhook.office.com/…',
        format: 'teams',
        events: 'Drifted, Access lost',
        enabled: false,
        createdAt: now,
      },
    ])
    expect(view.csrfToken).toBe('t')
  })

  it('offers a fresh form with JSON chosen and every event unchecked', () => {
    const form = presentWebhooks({
      endpoints: [],
      values: {},
      errors: null,
      allowedPrivateNetworks: [],
      csrfToken: null,
      now,
    }).form
    expect(form).toEqual({
      name: '',
      url: '',
      format: 'json',
      errors: null,
      formats: [
        ['json', 'JSON (signed)'],
        ['teams', 'Microsoft Teams'],
        ['slack', 'Slack'],
      ],
      events: ALL_EVENTS.map(([kind, label]) => ({ kind, label, checked: false })),
      urlHint: webhookHint([]),
    })
  })

  it('keeps what was submitted, and its errors, after a refused POST', () => {
    const form = presentWebhooks({
      endpoints: [],
      values: { name: 'Slack', url: 'http://10.0.0.1/x', format: 'slack', events: ['recovered', 'drifted'] },
      errors: { url: 'The host must be public.' },
      allowedPrivateNetworks: ['10.0.0.0/8'],
      csrfToken: 't',
      now,
    }).form
    expect(form.name).toBe('Slack')
    expect(form.url).toBe('http://10.0.0.1/x')
    expect(form.format).toBe('slack')
    expect(form.errors).toEqual({ url: 'The host must be public.' })
    expect(form.events.filter((e) => e.checked).map((e) => e.kind)).toEqual(['drifted', 'recovered'])
    expect(form.urlHint).toBe(
      'https (http only to a loopback address). The host must be public: loopback, private, link-local, ' +
        'internal and reserved addresses are refused, also when a name resolves to one, unless ' +
        'WEBHOOK_ALLOWED_PRIVATE_NETWORKS opens 10.0.0.0/8. Redirects are not followed.',
    )
  })
})
