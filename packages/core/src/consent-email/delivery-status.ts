// Reading a delivery status notification (a bounce that comes back by mail, RFC 3464): the report names the
// original message (its Message-ID in the returned headers) and, per recipient, the action and the status
// code. `failed` with a 5.x.x status is a permanent failure: that recipient bounced.
// Source: RFC 3464, "An Extensible Message Format for Delivery Status Notifications", sections 2.2 and 2.3
// (https://www.rfc-editor.org/rfc/rfc3464).

export interface BouncedRecipient {
  recipient: string
  status: string
  diagnostic: string | null
}

export interface DeliveryStatusReport {
  /** The Message-ID of the message the report is about (with angle brackets), when the report carries it. */
  originalMessageId: string | null
  bounced: BouncedRecipient[]
}

/** Header-style fields of one block (continuation lines folded in), lower-cased names. */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>()
  let last: string | null = null
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last !== null) {
      fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`)
      continue
    }
    const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line)
    if (match?.[1] === undefined) continue
    last = match[1].toLowerCase()
    if (!fields.has(last)) fields.set(last, match[2] ?? '')
  }
  return fields
}

/** The address of an RFC 3464 recipient field (`rfc822; ada@example.com`). */
function addressOf(value: string): string {
  const typed = /^[^;]+;\s*(.+)$/.exec(value)
  return (typed?.[1] ?? value).trim().replace(/^<|>$/g, '').toLowerCase()
}

/**
 * The bounces a raw DSN reports. Only per-recipient blocks with `Action: failed` and a 5.x.x `Status` count;
 * delays (`delayed`, 4.x.x) and successes are not bounces.
 */
export function parseDeliveryStatus(raw: string): DeliveryStatusReport {
  const blocks = raw.split(/\r?\n[ \t]*\r?\n/)
  const bounced: BouncedRecipient[] = []
  let originalMessageId: string | null = null
  for (const block of blocks) {
    const fields = fieldsOf(block)
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient')
    const action = fields.get('action')?.trim().toLowerCase()
    const status = fields.get('status')?.trim()
    if (
      recipient !== undefined &&
      action === 'failed' &&
      status !== undefined &&
      /^5\.\d+\.\d+/.test(status)
    ) {
      bounced.push({
        recipient: addressOf(recipient),
        status: status.split(/\s/)[0] ?? status,
        diagnostic: fields.get('diagnostic-code')?.trim() ?? null,
      })
    }
    // The returned headers (text/rfc822-headers or message/rfc822) carry the original Message-ID. They come
    // after the report's own headers, which have the DSN's Message-ID: the last one found wins.
    const messageId = fields.get('message-id')
    if (messageId !== undefined && recipient === undefined) {
      originalMessageId = messageId.trim()
    }
  }
  return { originalMessageId, bounced }
}
