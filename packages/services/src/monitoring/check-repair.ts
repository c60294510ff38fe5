import {
  buildCreateBody,
  buildPatchBody,
  classifyCheck,
  evaluatePartner,
  hasRepairableDrift,
  type Evaluation,
} from '@crosstrust/core'
import {
  isMicrosoftError,
  readBackUntil,
  upsertPartnerPolicy,
  type GraphPartner,
  type MicrosoftError,
} from '@crosstrust/microsoft'
import { recordAudit } from '../audit.ts'
import { SYSTEM_ACTOR } from '../context.ts'
import type { CheckCustomer, CheckTarget, TenantRead } from './check-read.ts'
import { errorCodeOf, errorMessageOf } from './classify-error.ts'
import type { MonitoringDeps } from './settings.ts'

/** What a repair did: the entry read back, and whether the read-back confirmed it. */
export interface RepairResult {
  repaired: boolean
  after: GraphPartner | null
  error: MicrosoftError | null
  message: string | null
}

/**
 * Sends the repair core decided on and re-verifies it. A repair refused for lost access turns the whole check
 * into `access_lost` (the read is replaced by the repair's error).
 *
 * Write-ahead: before the first write reaches the tenant, an audit event says what is about to be sent and
 * why. A worker killed between Microsoft's answer and the run's commit would otherwise leave a change in the
 * customer's tenant that nothing of ours records; with it, the audit trail shows every write we attempted,
 * and the next check's run shows what came of it.
 */
export async function repairStep(
  deps: MonitoringDeps,
  customer: CheckCustomer,
  target: CheckTarget,
  read: TenantRead,
  kind: 'create' | 'patch',
  now: Date,
  requestIds: string[],
): Promise<{ repair: RepairResult; read: TenantRead }> {
  const evaluation = read.classification.evaluation
  if (evaluation === null) throw new Error('a repair needs an evaluated read')
  await recordAudit(deps.ctx.db, SYSTEM_ACTOR, {
    action: 'policy.repair_started',
    customerId: customer.id,
    entityType: 'customer',
    entityId: customer.id,
    before: { partner: read.observed },
    after: {
      method: kind === 'create' ? 'POST' : 'PATCH',
      policyVersion: target.policy.version,
      fields: evaluation.fields.filter((f) => f.drift).map((f) => f.path),
    },
  })
  const repair = await sendRepair(deps, customer.tenantId, target, evaluation, kind, now, requestIds)
  if (repair.error?.kind !== 'access_lost') return { repair, read }
  return {
    repair,
    read: {
      observed: read.observed,
      readError: repair.error,
      prefetched: read.prefetched,
      classification: classifyCheck({
        kind: 'error',
        errorKind: 'access_lost',
        code: errorCodeOf(repair.error),
      }),
    },
  }
}

async function sendRepair(
  deps: MonitoringDeps,
  tenantId: string,
  target: CheckTarget,
  evaluation: Evaluation,
  kind: 'create' | 'patch',
  now: Date,
  requestIds: string[],
): Promise<RepairResult> {
  const { graph, settings } = deps
  const { policy, deviations } = target
  const partner = settings.partnerTenantId
  const evaluate = (observed: unknown) => evaluatePartner(policy, observed, deviations, now)
  try {
    if (kind === 'create') {
      // Entry deleted: POST (409 ⇒ the entry came back meanwhile ⇒ PATCH), exactly like onboarding.
      const upsert = await upsertPartnerPolicy(graph, tenantId, partner, {
        createBody: buildCreateBody(policy, partner),
        patchBodyFor: (observed) => buildPatchBody(policy, evaluate(observed)),
      })
      requestIds.push(...upsert.requestIds)
    } else {
      // Only the repairable objects (report-only fields are never written; accepted members keep their value).
      const body = buildPatchBody(policy, evaluation)
      if (body !== null) {
        const result = await graph.updatePartner(tenantId, partner, body)
        if (result.requestId !== undefined) requestIds.push(result.requestId)
      }
    }
    const readBack = await readBackUntil(
      graph,
      tenantId,
      partner,
      (observed) => observed !== null && !hasRepairableDrift(evaluate(observed)),
      settings.readBack,
    )
    requestIds.push(...readBack.requestIds)
    return readBack.matched
      ? { repaired: true, after: readBack.value, error: null, message: null }
      : {
          repaired: false,
          after: readBack.value,
          error: null,
          message: 'The repair was sent but reading the entry back still shows differences.',
        }
  } catch (err) {
    if (!isMicrosoftError(err)) throw err
    return { repaired: false, after: null, error: err, message: `Repair failed: ${errorMessageOf(err)}` }
  }
}
