import type { OnboardingStep } from '@crosstrust/core'
import type { Customer, Prisma } from '@crosstrust/db'
import type { GraphGateway, TokenProvider } from '@crosstrust/microsoft'
import type { ServiceContext } from '../context.ts'

export interface OnboardingSettings {
  partnerTenantId: string
  /** How long to keep retrying while a fresh consent replicates. */
  consentRetryWindowMs: number
  /** First wait between token attempts (doubles, capped at maxRetryDelayMs). */
  retryBaseDelayMs: number
  maxRetryDelayMs: number
  /** How the partner entry is read back after the write (`readBackUntil`'s schedule). */
  readBack: { attempts: number; delayMs: number; maxDelayMs?: number }
  defaultCheckIntervalSeconds: number
  /**
   * Whether the deployment sends mail (SMTP_URL and MAIL_FROM): then completing onboarding mails the status
   * page link to the contacts whose consent-link mail was used. Off when absent.
   */
  statusLinkEmail?: boolean
}

export interface OnboardingDeps {
  ctx: ServiceContext
  tokens: Pick<TokenProvider, 'getToken' | 'invalidate'>
  graph: GraphGateway
  settings: OnboardingSettings
  signal?: AbortSignal
  log?: (msg: string, fields?: Record<string, unknown>) => void
  /**
   * This run's attempt and the job's attempt budget. While attempts remain, a transient or throttled
   * Microsoft failure puts the step back to pending and throws `OnboardingRetryLater`, so the queue retries
   * the job with backoff instead of failing the customer for a passing fault.
   */
  attempt?: { current: number; max: number }
}

/** Thrown to ask the queue for another attempt later; the step is back to pending with a message. */
export class OnboardingRetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message)
    this.name = 'OnboardingRetryLater'
  }
}

/**
 * A step failed and what it leaves behind could not be written either (the database is down). Thrown so the
 * queue retries the job instead of counting it done; `cause` is the step's own failure, the one to
 * investigate, and `recordError` why it could not be recorded.
 */
export class OnboardingFailureNotRecorded extends Error {
  constructor(
    readonly step: OnboardingStep,
    cause: unknown,
    readonly recordError: unknown,
  ) {
    super(
      `onboarding step ${step} failed (${describeError(cause)}) and the failure could not be recorded (${describeError(recordError)})`,
      { cause },
    )
    this.name = 'OnboardingFailureNotRecorded'
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err)
}

export type OnboardingOutcome = 'onboarded' | 'failed' | 'skipped' | 'awaiting_confirmation'

/** A step that failed with a message staff can act on. */
export class StepFailure extends Error {
  constructor(
    readonly step: OnboardingStep,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/**
 * The customer columns a run reads (its tenants, its state, its check interval): selected rather than the
 * whole row, so the ORM builds and decodes only what the run uses.
 */
export const ONBOARDING_CUSTOMER_SELECT = {
  id: true,
  name: true,
  onboardingState: true,
  checkIntervalSeconds: true,
  tenantId: true,
  expectedTenantId: true,
  consentedTenantId: true,
  confirmedTenantId: true,
  tenantConfirmedBy: true,
} as const satisfies Prisma.CustomerSelect

export type OnboardingCustomer = Pick<Customer, keyof typeof ONBOARDING_CUSTOMER_SELECT>

/** One run of one customer: what every step reads, and the step in progress (for a failure's record). */
export interface OnboardingRun {
  deps: OnboardingDeps
  customer: OnboardingCustomer
  /** When the run started (ctx clock), and on the monotonic clock for its duration. */
  startedAt: Date
  startedMs: number
  current: OnboardingStep
  /** The step this run last marked running: the one `beginStep` need not write again. */
  started: OnboardingStep | null
}
