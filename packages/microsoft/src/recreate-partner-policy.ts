// Resetting a top-level setting of a partner entry to inherited when Graph refuses a PATCH to null.
// The update API documents only "supply the values for properties to update" and says nothing about null;
// partner entries have no reset action (only the default configuration has resetToSystemDefault). The one
// documented way to an inherited setting is an entry that never set it, so the entry is deleted and created
// again with every setting it keeps. Two things forbid that and end in a permanent, worded error instead:
// `isServiceProvider` (an app-only token cannot write it back) and an identity synchronization policy (Graph
// refuses the DELETE while it exists). Sources: docs/microsoft-behaviour.md, "PATCH of a top-level property".
import { sleepAtLeast } from './backoff.ts'
import { BadRequestError, isMicrosoftError } from './errors.ts'
import type { CallOptions, GraphGateway, GraphPartner, GraphPartnerBody } from './graph-gateway.ts'
import type { LagRetry } from './lag-retry.ts'
import { deletePartnerPolicy } from './delete-partner-policy.ts'

/** The properties the update API lists as updatable (tenantId is the key, isServiceProvider is never sent). */
export const UPDATABLE_PARTNER_PROPERTIES = [
  'automaticUserConsentSettings',
  'b2bCollaborationInbound',
  'b2bCollaborationOutbound',
  'b2bDirectConnectInbound',
  'b2bDirectConnectOutbound',
  'inboundTrust',
  'tenantRestrictions',
] as const

export type RecreateGateway = Pick<GraphGateway, 'createPartner' | 'deletePartner' | 'updatePartner'>

/** The top-level properties a PATCH body resets to inherited (sent as null). */
export function topLevelNulls(patch: GraphPartnerBody): string[] {
  return Object.entries(patch)
    .filter(([, value]) => value === null)
    .map(([key]) => key)
}

function withoutNulls(patch: GraphPartnerBody): GraphPartnerBody {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null))
}

/** An object whose members are all null (or absent) says nothing: it is left out like an inherited setting. */
function saysNothing(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (typeof value !== 'object' || Array.isArray(value)) return false
  return Object.values(value as Record<string, unknown>).every((member) => saysNothing(member))
}

/** The POST body of the recreated entry: what was stored, with the PATCH applied, inherited settings left out. */
export function recreateBody(
  partnerTenantId: string,
  observed: GraphPartner,
  patch: GraphPartnerBody,
): GraphPartnerBody {
  const body: GraphPartnerBody = { tenantId: partnerTenantId }
  for (const key of UPDATABLE_PARTNER_PROPERTIES) {
    const value = key in patch ? patch[key] : observed[key]
    if (!saysNothing(value)) body[key] = structuredClone(value)
  }
  return body
}

function refusal(message: string, cause?: unknown): BadRequestError {
  if (isMicrosoftError(cause)) {
    return new BadRequestError(message, {
      ...(cause.status === undefined ? {} : { status: cause.status }),
      ...(cause.code === undefined ? {} : { code: cause.code }),
      ...(cause.requestId === undefined ? {} : { requestId: cause.requestId }),
      ...(cause.microsoftMessage === undefined ? {} : { microsoftMessage: cause.microsoftMessage }),
      cause,
    })
  }
  return new BadRequestError(message)
}

/**
 * Graph refused `patch` (which resets `nulls` to inherited) with 400. First the rest of the PATCH is sent
 * without the nulls: if Graph refuses that too, the nulls were not the problem and its error is thrown as
 * is (nothing deleted). Otherwise the entry is deleted and created again without the inherited settings.
 */
export async function recreateWithoutNulls(
  gateway: RecreateGateway,
  tenantId: string,
  partnerTenantId: string,
  observed: GraphPartner,
  patch: GraphPartnerBody,
  options: { lag: LagRetry; call?: CallOptions | undefined; note: (requestId: string | undefined) => void },
): Promise<void> {
  const nulls = topLevelNulls(patch).join(', ')
  const rest = withoutNulls(patch)
  if (Object.keys(rest).length > 0) {
    const updated = await gateway.updatePartner(tenantId, partnerTenantId, rest, options.call)
    options.note(updated.requestId)
  }
  if (observed.isServiceProvider === true) {
    throw refusal(
      `Microsoft refuses to reset ${nulls} of the partner entry to inherited, and the entry cannot be recreated without it because it marks the partner as a service provider, which Crosstrust may not write. An administrator of the tenant sets ${nulls} to "Default settings" in the Entra admin center.`,
    )
  }
  try {
    const removed = await deletePartnerPolicy(gateway, tenantId, partnerTenantId, {
      lagRetry: options.lag,
      ...(options.call === undefined ? {} : { call: options.call }),
    })
    for (const id of removed.requestIds) options.note(id)
  } catch (error) {
    if (isMicrosoftError(error) && error.kind === 'bad_request') {
      throw refusal(
        `Microsoft refuses to reset ${nulls} of the partner entry to inherited, and refuses to delete the entry to recreate it (an identity synchronization policy still uses it). An administrator of the tenant sets ${nulls} to "Default settings" in the Entra admin center.`,
        error,
      )
    }
    throw error
  }
  const body = recreateBody(partnerTenantId, observed, patch)
  for (let attempt = 1; ; attempt += 1) {
    try {
      const created = await gateway.createPartner(tenantId, body, options.call)
      options.note(created.requestId)
      return
    } catch (error) {
      // The DELETE may not have reached the replica that answers the POST yet.
      if (!(isMicrosoftError(error) && error.kind === 'conflict') || attempt >= options.lag.attempts)
        throw error
      options.note(error.requestId)
      await sleepAtLeast(options.lag.delayMs * 2 ** (attempt - 1))
    }
  }
}
