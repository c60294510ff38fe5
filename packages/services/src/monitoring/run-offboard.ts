import {
  deletePartnerPolicy,
  isMicrosoftError,
  readBackUntil,
  type GraphPartner,
} from '@crosstrust/microsoft'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import { errorCodeOf, errorMessageOf } from './classify-error.ts'
import { enqueueDeliveriesSafely } from '../notifications/enqueue-deliveries.ts'
import { recordStateChange } from '../notifications/record-state-change.ts'
import { persistRun } from '../runs/persist-run.ts'
import { toNotifiable } from './notifiable.ts'
import type { MonitoringDeps } from './settings.ts'

export type OffboardOutcome = 'offboarded' | 'offboarded_without_access' | 'not_applicable'

/** Thrown when the delete could not be confirmed yet: the job retries with backoff (BullMQ attempts). */
export class OffboardRetryableError extends Error {
  override name = 'OffboardRetryableError'
}

/**
 * The offboard job: delete our partner entry in the customer tenant (only ever here, never as
 * a repair), verify it is gone, stop checks and mark the customer offboarded, with a run and an audit event.
 * An entry that is already gone is success. Lost access means we cannot delete: the customer is offboarded
 * with a note telling staff to ask the customer to remove the app and the entry themselves.
 */
export async function runOffboard(
  deps: MonitoringDeps,
  input: { customerId: string; actor: string },
): Promise<OffboardOutcome> {
  const { ctx, graph, settings } = deps
  const started = performance.now()
  const startedAt = ctx.now()
  const customer = await ctx.db.customer.findUnique({
    where: { id: input.customerId },
    select: {
      id: true,
      name: true,
      tenantId: true,
      onboardingState: true,
      complianceState: true,
      currentDiff: true,
      offboardedBy: true,
      offboardedByAdmin: true,
    },
  })
  if (customer?.onboardingState !== 'offboarding') return 'not_applicable'

  const requestIds: string[] = []
  let before: GraphPartner | null = null
  let note: string | null = null
  let errorCode: string | null = null
  let deleteResult: 'deleted' | 'absent' | 'never_onboarded' | 'access_lost' = 'never_onboarded'
  if (customer.tenantId !== null) {
    try {
      const read = await graph.getPartner(customer.tenantId, settings.partnerTenantId)
      if (read.requestId !== undefined) requestIds.push(read.requestId)
      before = read.value
      // A 404 right after our own create can be replication, not absence: retried a few times first.
      const removed = await deletePartnerPolicy(graph, customer.tenantId, settings.partnerTenantId, {
        lagRetry: { attempts: Math.min(3, settings.readBack.attempts), delayMs: settings.readBack.delayMs },
      })
      requestIds.push(...removed.requestIds)
      deleteResult = removed.outcome
      const gone = await readBackUntil(
        graph,
        customer.tenantId,
        settings.partnerTenantId,
        (observed) => observed === null,
        settings.readBack,
      )
      requestIds.push(...gone.requestIds)
      if (!gone.matched) {
        throw new OffboardRetryableError('The partner entry still reads back after the delete; retrying.')
      }
    } catch (err) {
      if (!isMicrosoftError(err) || err.kind !== 'access_lost') {
        const reason = isMicrosoftError(err) ? errorMessageOf(err) : String(err)
        await ctx.db.customer.update({
          where: { id: customer.id },
          data: { lastFailureReason: `Offboarding could not delete the partner entry yet: ${reason}` },
        })
        if (isMicrosoftError(err) && !err.retryable) throw err
        throw err instanceof OffboardRetryableError ? err : new OffboardRetryableError(reason)
      }
      deleteResult = 'access_lost'
      errorCode = errorCodeOf(err)
      note =
        'Access to the customer tenant is already lost, so Crosstrust could not delete its partner entry. Ask the customer administrator to delete the partner app (Enterprise applications) and the partner entry under Cross-tenant access settings.'
    }
  }

  const now = ctx.now()
  const byCustomer = customer.offboardedBy === 'customer'
  const deliveryIds = await ctx.db.$transaction(async (tx): Promise<string[]> => {
    const { runId, customerUpdated } = await persistRun(
      tx,
      {
        customerId: customer.id,
        kind: 'offboard',
        trigger: byCustomer ? 'system' : 'staff',
        outcome: 'offboarded',
        policyVersion: null,
        diff: { deleteResult },
        observedSnapshot: null,
        observedHash: null,
        before,
        after: null,
        errorCode,
        errorMessage: note,
        graphRequestId: requestIds.at(-1) ?? null,
        durationMs: Math.round(performance.now() - started),
        startedAt,
        finishedAt: now,
        actor: input.actor,
      },
      {
        linkRun: true,
        onboardingState: 'offboarded',
        complianceState: 'offboarded',
        complianceChangedAt: now,
        offboardedAt: now,
        lastCheckAt: now,
        nextCheckAt: null,
        backoffUntil: null,
        consecutiveFailures: 0,
        currentDiff: null,
        lastFailureReason: note,
      },
      'offboarding',
    )
    if (!customerUpdated) return []
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: 'customer.offboarded',
      customerId: customer.id,
      entityType: 'check_run',
      entityId: runId,
      before: { onboardingState: 'offboarding', complianceState: customer.complianceState, partner: before },
      after: {
        onboardingState: 'offboarded',
        deleteResult,
        note,
        requestedBy: input.actor,
        offboardedBy: customer.offboardedBy ?? 'partner',
      },
    })
    // Our own offboarding is staff's doing and tells nobody; a removal by the customer's admin is news.
    if (!byCustomer) return []
    return recordStateChange(tx, {
      customerId: customer.id,
      customerName: customer.name,
      previous: toNotifiable(customer.complianceState, customer.currentDiff),
      next: { status: 'offboarded', removedByCustomer: true },
      checkRunId: runId,
      at: now,
      detail: `${customer.offboardedByAdmin ?? "The customer's administrator"} removed the partner configuration from the status page (${deleteResult === 'access_lost' ? 'access was already lost, so the entry could not be deleted' : 'the partner entry is deleted and verified gone'}). Checks have stopped.`,
    })
  })
  await enqueueDeliveriesSafely(ctx.enqueue, deliveryIds)
  return deleteResult === 'access_lost' ? 'offboarded_without_access' : 'offboarded'
}
