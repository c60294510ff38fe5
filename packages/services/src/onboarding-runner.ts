import {
  buildCreateBody,
  buildPatchBody,
  describeLicence,
  describeOnboardingProblem,
  evaluatePartner,
  hashSnapshot,
  nextCheckAt,
  snapshotOwnedFields,
  type OnboardingStep,
  type PolicyDefinition,
} from '@crosstrust/core'
import type { Prisma, Tx } from '@crosstrust/db'
import {
  AccessLostError,
  MicrosoftError,
  proveAccess,
  readBackUntil,
  upsertPartnerPolicy,
  type AccessProof,
  type GraphGateway,
  type TokenProvider,
} from '@crosstrust/microsoft'
import { recordAudit } from './audit.ts'
import { SYSTEM_ACTOR, type ServiceContext } from './context.ts'
import { enqueueDeliveriesSafely } from './notifications/enqueue-deliveries.ts'
import { recordStateChange } from './notifications/record-state-change.ts'
import { loadSteps, moveStep, resetFrom } from './onboarding-steps.ts'
import { currentPolicy } from './policy-store.ts'

export interface OnboardingSettings {
  partnerTenantId: string
  /** How long to keep retrying while a fresh consent replicates. */
  consentRetryWindowMs: number
  /** First wait between token attempts (doubles, capped at maxRetryDelayMs). */
  retryBaseDelayMs: number
  maxRetryDelayMs: number
  readBack: { attempts: number; delayMs: number }
  defaultCheckIntervalSeconds: number
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

export type OnboardingOutcome = 'onboarded' | 'failed' | 'skipped' | 'awaiting_confirmation'

class StepFailure extends Error {
  constructor(
    readonly step: OnboardingStep,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Error('aborted'))
      return
    }
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(new Error('aborted'))
      },
      { once: true },
    )
  })
}

function graphProblem(step: OnboardingStep, err: MicrosoftError): StepFailure {
  const problem = describeOnboardingProblem({
    kind: 'graph_error',
    errorKind: err.kind === 'configuration' || err.kind === 'unknown_tenant' ? 'bad_request' : err.kind,
    status: err.status,
    code: err.code ?? (err.aadstsCodes[0] === undefined ? undefined : `AADSTS${err.aadstsCodes[0]}`),
    requestId: err.requestId,
  })
  return new StepFailure(step, `${problem.message} ${problem.nextStep}`, { error: err.toLog() })
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as Prisma.InputJsonValue

/**
 * The onboarding job. Every step is persisted with attempts, timestamps
 * and a message staff can act on. Safe to run twice: it resumes from the consent and the upsert is idempotent.
 */
export async function runOnboarding(deps: OnboardingDeps, customerId: string): Promise<OnboardingOutcome> {
  const { ctx } = deps
  const customer = await ctx.db.customer.findUnique({ where: { id: customerId } })
  if (!customer) return 'skipped'
  const steps = await ctx.db.$transaction((tx) => loadSteps(tx, customerId))
  const consent = steps.find((s) => s.step === 'consent_received')
  const verified = steps.find((s) => s.step === 'verified')
  if (consent?.status !== 'succeeded' || verified?.status === 'succeeded') return 'skipped'
  // Every later step is idempotent (token, reads, upsert, read-back), so a retried or resumed run redoes them
  // from access verification rather than trusting what a crashed or throttled run left behind.
  if (
    steps.some((s) => s.step !== 'link_issued' && s.step !== 'consent_received' && s.status !== 'pending')
  ) {
    await ctx.db.$transaction((tx) => resetFrom(tx, customerId, 'access_verified'))
  }
  // The consenting tenant is the `tid` of the admin's verified ID token, and the sign-in already refused any
  // tenant other than the bound or expected one. It is *bound* (written to customers.tenant_id, and written
  // to over Graph) only when expected at creation or confirmed by an Operator.
  const tenantId = customer.tenantId ?? customer.expectedTenantId ?? customer.consentedTenantId
  const bindable = customer.tenantId ?? customer.expectedTenantId ?? customer.confirmedTenantId
  const started = Date.now()
  let current: OnboardingStep = 'access_verified'

  const begin = async (step: OnboardingStep) => {
    current = step
    const now = ctx.now()
    await ctx.db.$transaction(async (tx) => {
      const fresh = await loadSteps(tx, customerId)
      const record = fresh.find((s) => s.step === step)
      if (record?.status === 'failed') await moveStep(tx, customerId, step, 'pending', now)
      if (record?.status !== 'running') await moveStep(tx, customerId, step, 'running', now)
    })
  }
  const succeed = async (
    step: OnboardingStep,
    message: string,
    detail?: unknown,
    extra?: Prisma.CustomerUpdateInput,
  ) => {
    await ctx.db.$transaction(async (tx) => {
      await moveStep(tx, customerId, step, 'succeeded', ctx.now(), message, detail)
      if (typeof extra?.tenantId === 'string') await releaseOffboardedHolder(tx, extra.tenantId, customerId)
      if (extra) await tx.customer.update({ where: { id: customerId }, data: extra })
      await recordAudit(tx, SYSTEM_ACTOR, { action: `onboarding.${step}`, customerId, after: { message } })
    })
  }

  try {
    if (!tenantId)
      throw new StepFailure(
        'access_verified',
        'No consent names a tenant yet; ask the administrator to open a new consent link and sign in.',
      )
    const policy = await currentPolicy(ctx.db)

    await begin('access_verified')
    const token = await acquireConsentedToken(deps, tenantId)
    const required = customer.tenantId ?? customer.expectedTenantId
    if (required && required !== token.tid) {
      const problem = describeOnboardingProblem({
        kind: 'tenant_mismatch',
        expected: required,
        actual: token.tid,
      })
      throw new StepFailure('access_verified', `${problem.message} ${problem.nextStep}`)
    }
    const owner = await ctx.db.customer.findFirst({
      where: { tenantId: token.tid, id: { not: customerId }, onboardingState: { not: 'offboarded' } },
      select: { name: true },
    })
    if (owner)
      throw new StepFailure(
        'access_verified',
        `Tenant ${token.tid} is already onboarded as customer "${owner.name}"; nothing was written to it.`,
      )
    const bound = bindable === token.tid
    await succeed(
      'access_verified',
      token.via === 'token-claims'
        ? `Access verified for tenant ${token.tid} (${token.roles.join(', ')}).`
        : `Access verified for tenant ${token.tid} (Microsoft Graph let us read its cross-tenant access policy).`,
      { tid: token.tid, roles: token.roles, via: token.via, requestId: token.requestId },
      bound ? { tenantId: token.tid } : undefined,
    )

    await begin('prerequisites_checked')
    const binding = bound ? bindingBasis(customer, token.tid) : null
    const before = await checkPrerequisites(deps, customerId, token.tid, binding)
    if (binding === null) {
      deps.log?.('onboarding waits for an Operator to confirm the tenant', { tenantId: token.tid })
      return 'awaiting_confirmation'
    }
    current = 'policy_applied'

    await begin('policy_applied')
    const upsert = await applyPolicy(deps, token.tid, policy)
    await succeed(
      'policy_applied',
      upsert.outcome === 'unchanged'
        ? 'The partner entry already matched the policy; nothing was changed.'
        : upsert.outcome === 'created'
          ? `Partner ${deps.settings.partnerTenantId} added with the policy settings.`
          : 'The existing partner entry was updated to the policy settings.',
      {
        outcome: upsert.outcome,
        patch: upsert.patch,
        conflictOnCreate: upsert.conflictOnCreate,
        before: upsert.before,
        requestIds: upsert.requestIds,
      },
    )

    await begin('verified')
    const readBack = await readBackUntil(
      deps.graph,
      token.tid,
      deps.settings.partnerTenantId,
      (observed) => evaluatePartner(policy, observed, [], ctx.now()).status === 'compliant',
      { attempts: deps.settings.readBack.attempts, delayMs: deps.settings.readBack.delayMs },
    )
    const evaluation = evaluatePartner(policy, readBack.value, [], ctx.now())
    if (!readBack.matched) {
      throw new StepFailure(
        'verified',
        'After applying the policy, reading it back still shows differences. The check will retry; if it persists, compare the diff on the customer page.',
        { evaluation },
      )
    }
    const snapshot = snapshotOwnedFields(policy, readBack.value)
    const now = ctx.now()
    const deliveryIds = await ctx.db.$transaction(async (tx) => {
      await moveStep(
        tx,
        customerId,
        'verified',
        'succeeded',
        now,
        'Verified: the partner entry equals the policy.',
      )
      const run = await tx.checkRun.create({
        data: {
          customerId,
          kind: 'onboard',
          trigger: 'onboarding',
          outcome: 'compliant',
          policyVersion: policy.version,
          diff: json(evaluation.fields),
          observedSnapshot: json(snapshot),
          observedHash: hashSnapshot(snapshot),
          // After a POST 409 the entry we changed is the racer's, not the absence seen during prerequisites.
          before: json(upsert.before ?? before),
          after: json(readBack.value),
          graphRequestId: readBack.requestIds.at(-1) ?? null,
          durationMs: Date.now() - started,
          finishedAt: now,
          actor: 'system',
        },
      })
      const interval = customer.checkIntervalSeconds ?? deps.settings.defaultCheckIntervalSeconds
      await tx.customer.update({
        where: { id: customerId },
        data: {
          complianceState: 'compliant',
          complianceChangedAt: now,
          compliantPolicyVersion: policy.version,
          currentDiff: json(null),
          lastObservedHash: hashSnapshot(snapshot),
          lastObservedSnapshot: json(snapshot),
          lastCheckAt: now,
          lastCheckRunId: run.id,
          consecutiveFailures: 0,
          backoffUntil: null,
          lastFailureReason: null,
          nextCheckAt: nextCheckAt(now, interval, customerId),
        },
      })
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'onboarding.completed',
        customerId,
        before: { partner: upsert.before ?? before },
        after: { partner: readBack.value, policyVersion: policy.version },
      })
      return recordStateChange(tx, {
        customerId,
        customerName: customer.name,
        previous: { status: customer.onboardingState === 'failed' ? 'onboarding_failed' : 'onboarding' },
        next: { status: 'compliant' },
        checkRunId: run.id,
        at: now,
        policyVersion: policy.version,
      })
    })
    await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
    return 'onboarded'
  } catch (err) {
    if (deps.signal?.aborted) throw err
    const attempt = deps.attempt
    if (
      attempt &&
      attempt.current < attempt.max &&
      err instanceof MicrosoftError &&
      (err.kind === 'transient' || err.kind === 'throttled')
    ) {
      const message = `Microsoft is busy or unavailable (${err.status === undefined ? err.kind : `HTTP ${err.status}`}); retrying automatically (attempt ${attempt.current} of ${attempt.max}).`
      await ctx.db.$transaction(async (tx) => {
        const fresh = await loadSteps(tx, customerId)
        const record = fresh.find((s) => s.step === current)
        if (record?.status === 'running')
          await moveStep(tx, customerId, current, 'pending', ctx.now(), message)
      })
      deps.log?.('onboarding step will be retried', {
        step: current,
        kind: err.kind,
        attempt: attempt.current,
      })
      const retryAfterMs =
        'retryAfterMs' in err && typeof err.retryAfterMs === 'number' ? err.retryAfterMs : undefined
      throw new OnboardingRetryLater(message, retryAfterMs)
    }
    const failure =
      err instanceof StepFailure
        ? err
        : err instanceof MicrosoftError
          ? graphProblem(current, err)
          : // The text of an unexpected error (a database or library message) is for the log, not for staff
            // pages or webhooks, which get a fixed sentence.
            new StepFailure(
              current,
              'An unexpected error stopped this step; it is in the worker log with this customer’s id. Retry the step; if it fails again, report it with the time shown here.',
            )
    if (!(err instanceof StepFailure) && !(err instanceof MicrosoftError)) {
      deps.log?.('onboarding step failed unexpectedly', {
        step: current,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      })
    }
    deps.log?.('onboarding step failed', { step: failure.step, reason: failure.message })
    const failedAt = ctx.now()
    const deliveryIds = await ctx.db.$transaction(async (tx) => {
      const fresh = await loadSteps(tx, customerId)
      const record = fresh.find((s) => s.step === failure.step)
      if (record?.status === 'pending') await moveStep(tx, customerId, failure.step, 'running', ctx.now())
      await moveStep(tx, customerId, failure.step, 'failed', ctx.now(), failure.message, failure.detail)
      await tx.customer.update({ where: { id: customerId }, data: { lastFailureReason: failure.message } })
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'onboarding.failed',
        customerId,
        after: { step: failure.step, reason: failure.message },
      })
      // The state read when this run started: a run that fails again after a failure does not re-notify.
      return recordStateChange(tx, {
        customerId,
        customerName: customer.name,
        previous: { status: customer.onboardingState === 'failed' ? 'onboarding_failed' : 'onboarding' },
        next: { status: 'onboarding_failed' },
        at: failedAt,
        detail: failure.message,
      })
    })
    await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds, deps.log)
    return 'failed'
  }
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
      if (err instanceof AccessLostError && err.reason === 'tenant_mismatch') {
        throw new StepFailure('access_verified', err.message)
      }
      // The callback's `tenant` is attacker-controllable: a tenant Microsoft does not know is not "access lost".
      if (err instanceof MicrosoftError && err.aadstsCodes.includes(90002)) {
        throw new StepFailure(
          'access_verified',
          `Microsoft knows no tenant ${tenantId} (AADSTS90002), the tenant named in the consent response. Ask the administrator to open the consent link again and accept.`,
        )
      }
      const pending = err instanceof AccessLostError && (err.consentPending || err.reason === 'missing_roles')
      const transient = err instanceof MicrosoftError && err.retryable
      if (!pending && !transient) throw err
      lastPassingFault = transient && !pending ? err : undefined
      lastCode =
        err instanceof AccessLostError && err.reason === 'missing_roles'
          ? err.missingRoles.length > 0
            ? `missing roles ${err.missingRoles.join(', ')}`
            : `Graph ${err.code ?? 'denied access'}`
          : err instanceof MicrosoftError
            ? err.aadstsCodes[0]
              ? `AADSTS${err.aadstsCodes[0]}`
              : err.code
            : undefined
    }
    if (Date.now() + delay > deadline) {
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
    await sleep(delay, deps.signal)
    delay = Math.min(delay * 2, deps.settings.maxRetryDelayMs)
  }
}

/**
 * An offboarded customer keeps its tenant id for its history until another customer binds that tenant: then
 * the old row lets go of it (one live customer per tenant, enforced by the unique column), audited.
 */
async function releaseOffboardedHolder(tx: Tx, tenantId: string, customerId: string): Promise<void> {
  const holder = await tx.customer.findFirst({
    where: { tenantId, id: { not: customerId }, onboardingState: 'offboarded' },
    select: { id: true },
  })
  if (holder === null) return
  await tx.customer.update({ where: { id: holder.id }, data: { tenantId: null } })
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: 'customer.tenant_released',
    customerId: holder.id,
    after: { tenantId, boundBy: customerId },
  })
}

/** Why the tenant may be written to: expected at creation, bound before, or confirmed by an Operator. */
function bindingBasis(
  customer: { tenantId: string | null; expectedTenantId: string | null; tenantConfirmedBy: string | null },
  tid: string,
): string {
  if (customer.tenantId === tid) return 'The tenant is the one this customer was onboarded with.'
  if (customer.expectedTenantId === tid) return 'The tenant is the one given when the customer was created.'
  return `An Operator (${customer.tenantConfirmedBy ?? 'staff'}) confirmed the tenant.`
}

async function checkPrerequisites(
  deps: OnboardingDeps,
  customerId: string,
  tenantId: string,
  binding: string | null,
) {
  const { ctx, graph, settings } = deps
  // One at a time on purpose: Graph throttles per app+tenant, so after a 429 every request to the tenant
  // must wait out the Retry-After; parallel reads would hit the tenant again before it elapsed.
  const org = await graph.getOrganization(tenantId)
  const licences = await graph.listSubscribedSkus(tenantId)
  const defaults = await graph.getDefaultPolicy(tenantId)
  const partner = await graph.getPartner(tenantId, settings.partnerTenantId)
  const level = licences.value.level
  const licence = describeLicence(licences.value)
  const warnings = licence.warnings
  const message = [
    `Tenant "${org.value.displayName}" (${org.value.verifiedDomains.map((d) => d.name).join(', ') || 'no verified domains'}).`,
    licence.summary,
    partner.value
      ? 'A partner entry for the partner already exists and will be updated.'
      : 'No partner entry yet; it will be created.',
    ...warnings,
  ].join(' ')
  await ctx.db.$transaction(async (tx) => {
    await moveStep(tx, customerId, 'prerequisites_checked', 'succeeded', ctx.now(), message, {
      organization: org.value,
      licence: licences.value,
      defaultPolicy: defaults.value,
      existingPartner: partner.value,
      warnings,
    })
    await tx.customer.update({
      where: { id: customerId },
      data: {
        tenantDisplayName: org.value.displayName,
        verifiedDomains: org.value.verifiedDomains.map((d) => d.name),
        licence: level,
      },
    })
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'onboarding.prerequisites_checked',
      customerId,
      before: { partner: partner.value },
      after: { licence: level, warnings },
    })
    // Same transaction: an expected tenant never shows as awaiting confirmation, not even for a moment.
    if (binding !== null) {
      await moveStep(tx, customerId, 'tenant_confirmed', 'succeeded', ctx.now(), binding, { tenantId })
      await releaseOffboardedHolder(tx, tenantId, customerId)
      await tx.customer.update({ where: { id: customerId }, data: { tenantId } })
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: 'onboarding.tenant_bound',
        customerId,
        after: { tenantId, basis: binding },
      })
    }
  })
  return partner.value
}

async function applyPolicy(deps: OnboardingDeps, tenantId: string, policy: PolicyDefinition) {
  const { ctx, graph, settings } = deps
  return upsertPartnerPolicy(graph, tenantId, settings.partnerTenantId, {
    createBody: buildCreateBody(policy, settings.partnerTenantId),
    patchBodyFor: (observed) => buildPatchBody(policy, evaluatePartner(policy, observed, [], ctx.now())),
  })
}
