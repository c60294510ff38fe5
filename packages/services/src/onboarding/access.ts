import {
  accessVerifiedMessage,
  describeOnboardingProblem,
  nextConsentRetry,
  onboardingTenants,
} from '@crosstrust/core'
import { AccessLostError, MicrosoftError, proveAccess, type AccessProof } from '@crosstrust/microsoft'
import { sleep } from './sleep.ts'
import { beginStep, succeedStep } from './step-records.ts'
import { StepFailure, type OnboardingDeps, type OnboardingRun } from './types.ts'

/**
 * Step `access_verified`: a token for the consenting tenant proves the consent; the tenant must be the
 * required one and held by no other live customer. A bindable tenant is bound here. Returns the proof and
 * whether the tenant is bound.
 */
export async function verifyAccess(run: OnboardingRun): Promise<{ token: AccessProof; bound: boolean }> {
  const { deps, customer } = run
  const tenants = onboardingTenants(customer)
  if (!tenants.target)
    throw new StepFailure(
      'access_verified',
      'No consent names a tenant yet; ask the administrator to open a new consent link and sign in.',
    )
  await beginStep(run, 'access_verified')
  const token = await acquireConsentedToken(deps, tenants.target)
  if (tenants.required && tenants.required !== token.tid) {
    const problem = describeOnboardingProblem({
      kind: 'tenant_mismatch',
      expected: tenants.required,
      actual: token.tid,
    })
    throw new StepFailure('access_verified', `${problem.message} ${problem.nextStep}`)
  }
  const owner = await deps.ctx.db.customer.findFirst({
    where: { tenantId: token.tid, id: { not: customer.id }, onboardingState: { not: 'offboarded' } },
    select: { name: true },
  })
  if (owner)
    throw new StepFailure(
      'access_verified',
      `Tenant ${token.tid} is already onboarded as customer "${owner.name}"; nothing was written to it.`,
    )
  const bound = tenants.bindable === token.tid
  await succeedStep(run, 'access_verified', accessVerifiedMessage(token), {
    detail: { tid: token.tid, roles: token.roles, via: token.via, requestId: token.requestId },
    ...(bound ? { customer: { tenantId: token.tid } } : {}),
    next: 'prerequisites_checked',
  })
  return { token, bound }
}

/** Proof of the consent (the token's `tid` and `roles`, or a Graph call), retried across the replication window. */
async function acquireConsentedToken(deps: OnboardingDeps, tenantId: string): Promise<AccessProof> {
  const deadline = Date.now() + deps.settings.consentRetryWindowMs
  let delay = deps.settings.retryBaseDelayMs
  let lastCode: string | undefined
  let lastPassingFault: MicrosoftError | undefined
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await proveAccess(deps.tokens, deps.graph, tenantId, { forceRefresh: attempt > 1 })
    } catch (err) {
      const refusal = definiteRefusal(err, tenantId)
      if (refusal !== null) throw refusal
      const pending = err instanceof AccessLostError && (err.consentPending || err.reason === 'missing_roles')
      const transient = err instanceof MicrosoftError && err.retryable
      if (!pending && !transient) throw err
      lastPassingFault = transient && !pending ? err : undefined
      lastCode = waitReason(err)
    }
    const next = nextConsentRetry({
      now: Date.now(),
      deadline,
      delayMs: delay,
      maxDelayMs: deps.settings.maxRetryDelayMs,
    })
    if (next === null) {
      // Throttled or unavailable at the end of the window: that is Microsoft being busy, not consent missing;
      // let the job-level retry take it (runOnboarding turns it into a queue retry while attempts remain).
      if (lastPassingFault) throw lastPassingFault
      const problem = describeOnboardingProblem({
        kind: 'consent_not_replicated',
        waitedSeconds: Math.round(deps.settings.consentRetryWindowMs / 1000),
        lastErrorCode: lastCode,
      })
      throw new StepFailure('access_verified', `${problem.message} ${problem.nextStep}`, {
        lastErrorCode: lastCode,
        attempts: attempt,
      })
    }
    deps.log?.('consent not effective yet; retrying', { tenantId, attempt, lastCode, delayMs: delay })
    await sleep(next.waitMs, deps.signal)
    delay = next.nextDelayMs
  }
}

/** Failures no wait can cure: a token for another tenant, a tenant Microsoft does not know. */
function definiteRefusal(err: unknown, tenantId: string): StepFailure | null {
  if (err instanceof AccessLostError && err.reason === 'tenant_mismatch') {
    return new StepFailure('access_verified', err.message)
  }
  // The callback's `tenant` is attacker-controllable: a tenant Microsoft does not know is not "access lost".
  if (err instanceof MicrosoftError && err.aadstsCodes.includes(90002)) {
    return new StepFailure(
      'access_verified',
      `Microsoft knows no tenant ${tenantId} (AADSTS90002), the tenant named in the consent response. Ask the administrator to open the consent link again and accept.`,
    )
  }
  return null
}

/** The last reason the consent was not effective yet, for staff's message. */
function waitReason(err: unknown): string | undefined {
  if (err instanceof AccessLostError && err.reason === 'missing_roles') {
    return err.missingRoles.length > 0
      ? `missing roles ${err.missingRoles.join(', ')}`
      : `Graph ${err.code ?? 'denied access'}`
  }
  if (err instanceof MicrosoftError) return err.aadstsCodes[0] ? `AADSTS${err.aadstsCodes[0]}` : err.code
  return undefined
}
