import { CUSTOMER_STATUS_LABELS } from '../customer-status/status.ts'
import type { NotificationEvent } from './event.ts'
import { formatValue, headline, severityOf, summaryLine } from './event.ts'

// Channel formats for one event. JSON is the contract for our own receivers; Teams and Slack bodies are
// what their incoming webhooks accept, so a customer can point an endpoint straight at a channel.

export const NOTIFICATION_FORMATS = ['json', 'teams', 'slack'] as const
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number]

export function buildJsonPayload(event: NotificationEvent): Record<string, unknown> {
  return {
    specVersion: 1,
    id: event.id,
    type: `crosstrust.${event.transition}`,
    occurredAt: event.occurredAt.toISOString(),
    summary: summaryLine(event),
    customer: event.customer,
    customerStatus:
      event.customerStatus === undefined
        ? null
        : { code: event.customerStatus, label: CUSTOMER_STATUS_LABELS[event.customerStatus] },
    partnerName: event.partnerName,
    policyVersion: event.policyVersion ?? null,
    fields: event.fields ?? [],
    detail: event.detail ?? null,
    ...(event.attribution === undefined ? {} : { attribution: event.attribution }),
    dashboardUrl: event.dashboardUrl ?? null,
  }
}

function facts(event: NotificationEvent): { title: string; value: string }[] {
  const list = [
    { title: 'Customer', value: event.customer.name },
    { title: 'Tenant', value: event.customer.tenantId ?? 'unknown' },
    ...(event.customerStatus === undefined
      ? []
      : [{ title: 'Status', value: CUSTOMER_STATUS_LABELS[event.customerStatus] }]),
    { title: 'When', value: event.occurredAt.toISOString() },
  ]
  if (event.policyVersion !== undefined)
    list.push({ title: 'Policy version', value: String(event.policyVersion) })
  for (const field of event.fields ?? []) {
    const note = field.remediation === 'report_only' ? ' (report only)' : ''
    list.push({
      title: field.label,
      value: `${formatValue(field.observed)} → expected ${formatValue(field.desired)}${note}`,
    })
  }
  return list
}

/** Adaptive Card in a message envelope: accepted by Teams Workflows and legacy incoming webhooks. */
export function buildTeamsPayload(event: NotificationEvent): Record<string, unknown> {
  const color = { good: 'Good', warning: 'Warning', attention: 'Attention' }[severityOf(event.transition)]
  const body: unknown[] = [
    {
      type: 'TextBlock',
      size: 'Large',
      weight: 'Bolder',
      text: headline(event.transition),
      color,
      wrap: true,
    },
    { type: 'TextBlock', text: `${event.partnerName} · ${event.customer.name}`, isSubtle: true, wrap: true },
    { type: 'FactSet', facts: facts(event) },
  ]
  if (event.detail !== undefined) body.push({ type: 'TextBlock', text: event.detail, wrap: true })
  const actions =
    event.dashboardUrl === undefined
      ? []
      : [{ type: 'Action.OpenUrl', title: 'Open in Crosstrust', url: event.dashboardUrl }]
  return teamsCardMessage(summaryLine(event), body, actions)
}

/** One Adaptive Card (version 1.4) in the message envelope Teams webhooks accept. */
export function teamsCardMessage(
  summary: string,
  body: readonly unknown[],
  actions: readonly unknown[] = [],
): Record<string, unknown> {
  return {
    type: 'message',
    summary,
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  }
}

/** Slack treats `&`, `<` and `>` as control characters in mrkdwn; escape everything we did not write. */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

export function buildSlackPayload(event: NotificationEvent): Record<string, unknown> {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: headline(event.transition).slice(0, 150) } },
    {
      type: 'section',
      fields: facts(event)
        .slice(0, 10)
        .map((fact) => ({
          type: 'mrkdwn',
          text: `*${escapeSlack(fact.title)}*\n${escapeSlack(fact.value)}`.slice(0, 2000),
        })),
    },
  ]
  if (event.detail !== undefined) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(event.detail).slice(0, 3000) } })
  }
  if (event.dashboardUrl !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Open in Crosstrust' }, url: event.dashboardUrl },
      ],
    })
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: escapeSlack(`${event.partnerName} · ${event.id}`) }],
  })
  return { text: escapeSlack(summaryLine(event)), blocks }
}

export function buildPayload(format: NotificationFormat, event: NotificationEvent): Record<string, unknown> {
  switch (format) {
    case 'json':
      return buildJsonPayload(event)
    case 'teams':
      return buildTeamsPayload(event)
    case 'slack':
      return buildSlackPayload(event)
  }
}
