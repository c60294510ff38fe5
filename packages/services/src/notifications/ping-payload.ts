import { escapeSlack, teamsCardMessage, type NotificationFormat } from '@crosstrust/core'

// A test ping is not a state change, so core's event payloads do not cover it: these bodies keep each
// channel's shape (so a Teams or Slack webhook accepts it) with a plain "this is a test" message.

export function buildPingPayload(
  format: NotificationFormat,
  ping: { id: string; occurredAt: Date; partnerName: string; requestedBy: string },
): Record<string, unknown> {
  const summary = `Test notification from Crosstrust (${ping.partnerName})`
  const detail = `Requested by ${ping.requestedBy}. If you can read this, the webhook works.`
  switch (format) {
    case 'json':
      return {
        specVersion: 1,
        id: ping.id,
        type: 'crosstrust.ping',
        occurredAt: ping.occurredAt.toISOString(),
        summary,
        partnerName: ping.partnerName,
        detail,
      }
    case 'teams':
      return teamsCardMessage(summary, [
        { type: 'TextBlock', size: 'Large', weight: 'Bolder', text: summary, wrap: true },
        { type: 'TextBlock', text: detail, wrap: true },
      ])
    case 'slack':
      return {
        text: escapeSlack(summary),
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(`${summary}\n${detail}`) } }],
      }
  }
}
