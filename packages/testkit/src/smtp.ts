import { simpleParser, type ParsedMail } from 'mailparser'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

// A real SMTP server on loopback for tests: it receives what the product sends over SMTP, parses each
// message (mailparser) and can refuse recipients permanently (550) to play a bounce. Stop it and start it
// again on the same port to play an SMTP outage.

export interface CaughtMail {
  envelopeTo: string[]
  parsed: ParsedMail
}

export interface SmtpCatcher {
  port: number
  url: string
  mails: CaughtMail[]
  /** Addresses refused with 550 at RCPT TO (a permanent refusal: a bounce). */
  refuse: Set<string>
  /** Waits until `count` mails arrived (or throws after `timeoutMs`). */
  waitForMails(count: number, timeoutMs?: number): Promise<CaughtMail[]>
  stop(): Promise<void>
  /** Starts again on the same port (after `stop`). */
  start(): Promise<void>
}

export async function startSmtpCatcher(port = 0): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = []
  const refuse = new Set<string>()
  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (refuse.has(address.address.toLowerCase())) {
          const err = Object.assign(new Error('5.1.1 Mailbox does not exist'), { responseCode: 550 })
          callback(err)
          return
        }
        callback()
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed })
            callback()
          })
          .catch((err: unknown) => {
            callback(err instanceof Error ? err : new Error(String(err)))
          })
      },
    })
  let server = create()
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(p, '127.0.0.1', () => {
        resolve((server.server.address() as AddressInfo).port)
      })
    })
  const bound = await listen(port)
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    mails,
    refuse,
    async waitForMails(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, received ${mails.length}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return mails
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
    async start() {
      server = create()
      await listen(bound)
    },
  }
}
