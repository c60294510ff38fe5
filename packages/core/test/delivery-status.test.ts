// Reading a bounce that comes back by mail (RFC 3464 delivery status notification).
import { describe, expect, it } from 'vitest'
import { parseDeliveryStatus } from '../src/index.ts'

const dsn = [
  'From: Mail Delivery System <MAILER-DAEMON@mx.crosstrust.example>',
  'To: onboarding@crosstrust.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <dsn-1@mx.crosstrust.example>',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain',
  '',
  'I could not deliver your message.',
  '',
  '--b1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.crosstrust.example',
  '',
  'Final-Recipient: rfc822; Ada@Litware.example',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <ada@litware.example>: Recipient address',
  '  rejected: User unknown',
  '',
  'Final-Recipient: rfc822; bo@litware.example',
  'Action: delayed',
  'Status: 4.4.1',
  '',
  '--b1',
  'Content-Type: text/rfc822-headers',
  '',
  'From: Truesec Detect AB <onboarding@crosstrust.example>',
  'Message-ID: <original-1@crosstrust.example>',
  'Subject: Truesec Detect AB asks you to connect Litware (admin consent)',
  '',
  '--b1--',
].join('\r\n')

describe('parseDeliveryStatus', () => {
  it('finds the original message and the permanently failed recipients only', () => {
    expect(parseDeliveryStatus(dsn)).toEqual({
      originalMessageId: '<original-1@crosstrust.example>',
      bounced: [
        {
          recipient: 'ada@litware.example',
          status: '5.1.1',
          diagnostic: 'smtp; 550 5.1.1 <ada@litware.example>: Recipient address rejected: User unknown',
        },
      ],
    })
  })

  it('reports nothing for a delay-only notice', () => {
    const delayed = dsn.replace('Action: failed', 'Action: delayed').replace('Status: 5.1.1', 'Status: 4.4.7')
    expect(parseDeliveryStatus(delayed).bounced).toEqual([])
  })
})
