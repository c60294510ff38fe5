import { describe, expect, it } from 'vitest'
import type { NotificationEvent } from '../src/index.ts'
import {
  buildJsonPayload,
  buildPayload,
  buildSlackPayload,
  buildTeamsPayload,
  escapeSlack,
} from '../src/index.ts'

const event: NotificationEvent = {
  id: 'notify.c1.drifted.1',
  transition: 'drifted',
  occurredAt: new Date('2026-11-27T00:00:00Z'),
  customer: { id: 'c1', name: 'Contoso <script>&', tenantId: 'aaaa-bbbb' },
  partnerName: 'Truesec Detect AB',
  policyVersion: 1,
  fields: [
    {
      path: 'inboundTrust.isMfaAccepted',
      label: 'Trust settings → Trust multifactor authentication from Microsoft Entra tenants',
      desired: true,
      observed: false,
      remediation: 'repairable',
    },
    {
      path: 'tenantRestrictions',
      label: 'Tenant restrictions',
      desired: null,
      observed: { a: 1 },
      remediation: 'report_only',
    },
  ],
  dashboardUrl: 'https://crosstrust.example/customers/c1',
}

describe('notification payloads', () => {
  it('json carries who made a drift when it is known', () => {
    const attribution = {
      status: 'found',
      sentences: ['Inbound trust for MFA was turned off by anna@contoso.com at 14:02 UTC on 2026-12-03'],
    }
    expect(buildJsonPayload({ ...event, attribution })).toMatchObject({ attribution })
    expect(buildJsonPayload(event)).not.toHaveProperty('attribution')
  })

  it('json carries the event with an ISO time and a typed name', () => {
    expect(buildJsonPayload(event)).toEqual({
      specVersion: 1,
      id: 'notify.c1.drifted.1',
      type: 'crosstrust.drifted',
      occurredAt: '2026-11-27T00:00:00.000Z',
      summary: 'Partner policy drift detected: Contoso <script>& (2 settings differ)',
      customer: event.customer,
      customerStatus: null,
      partnerName: 'Truesec Detect AB',
      policyVersion: 1,
      fields: event.fields,
      detail: null,
      dashboardUrl: 'https://crosstrust.example/customers/c1',
    })
  })

  it('teams is an Adaptive Card message with facts and a link', () => {
    const payload = buildTeamsPayload(event) as {
      type: string
      attachments: {
        contentType: string
        content: {
          type: string
          version: string
          body: { type: string; facts?: { title: string; value: string }[] }[]
          actions: { url: string }[]
        }
      }[]
    }
    expect(payload.type).toBe('message')
    const card = payload.attachments[0]
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(card?.content.type).toBe('AdaptiveCard')
    const facts = card?.content.body.find((b) => b.type === 'FactSet')?.facts ?? []
    expect(facts).toContainEqual({
      title: 'Trust settings → Trust multifactor authentication from Microsoft Entra tenants',
      value: 'false → expected true',
    })
    expect(facts).toContainEqual({
      title: 'Tenant restrictions',
      value: '{"a":1} → expected inherited (null) (report only)',
    })
    expect(card?.content.actions[0]?.url).toBe(event.dashboardUrl)
  })

  it('slack uses blocks and escapes control characters from customer data', () => {
    const payload = buildSlackPayload(event) as { text: string; blocks: { type: string }[] }
    expect(payload.text).toBe(
      'Partner policy drift detected: Contoso &lt;script&gt;&amp; (2 settings differ)',
    )
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context'])
    expect(JSON.stringify(payload)).not.toContain('<script>')
    expect(escapeSlack('<!channel> & co')).toBe('&lt;!channel&gt; &amp; co')
  })

  it('buildPayload dispatches by format and includes detail text when present', () => {
    const failed: NotificationEvent = {
      ...event,
      transition: 'onboarding_failed',
      fields: undefined,
      detail: 'Wrong tenant',
    }
    expect(buildPayload('json', failed)).toMatchObject({
      type: 'crosstrust.onboarding_failed',
      detail: 'Wrong tenant',
    })
    expect(JSON.stringify(buildPayload('teams', failed))).toContain('Wrong tenant')
    expect(JSON.stringify(buildPayload('slack', failed))).toContain('Wrong tenant')
  })
})
