// The runner fixture (real database and simulator) with a real SMTP server on loopback and a mailer sending
// to it, for the tests of what the mails carry. Registers its own start and stop with vitest.
import { startSmtpCatcher, type SmtpCatcher } from '@crosstrust/testkit/smtp'
import { afterAll, beforeAll } from 'vitest'
import { createMailer, type EmailSettings, type Mailer } from '../../src/index.ts'
import { startRunnerFixture, type RunnerFixture } from './runners.ts'

export interface MailRunner {
  fx: RunnerFixture
  smtp: SmtpCatcher
  mailer: Mailer
  settings: EmailSettings
}

/** Started before the file's tests, stopped after them; read its fields inside the tests. */
export function useMailRunner(): MailRunner {
  const runner = {} as MailRunner
  beforeAll(async () => {
    runner.fx = await startRunnerFixture()
    runner.smtp = await startSmtpCatcher()
    runner.mailer = createMailer(runner.smtp.url)
    runner.settings = {
      from: 'Truesec Detect AB <onboarding@crosstrust.example>',
      partnerName: 'Truesec Detect AB',
      partnerTenantId: runner.fx.onboarding.settings.partnerTenantId,
      publicBaseUrl: 'https://crosstrust.example',
      linkTtlDays: 14,
    }
  })
  afterAll(async () => {
    runner.mailer.close()
    await runner.smtp.stop()
    await runner.fx.close()
  })
  return runner
}
