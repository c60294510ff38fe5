// Checks of a partner/default policy write that depend on the caller, the tenant's licence or a switch
// rather than on the body's shape (partner-model.ts validates the shape).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Json, SimState, Tenant } from '../state.ts'
import { badRequest, graphError } from './respond.ts'
import { checkPartnerSemantics } from './partner-validation.ts'

/** The switch-driven semantic checks of a partner/default write (see partner-model). */
export function semanticError(
  state: SimState,
  tenant: Tenant,
  patch: Record<string, unknown>,
  resulting: Record<string, unknown>,
) {
  const settings = state.settingsFor(tenant)
  return checkPartnerSemantics(patch, resulting, {
    nullMode: settings.partnerPatchNull,
    mixedAccessTypes: settings.mixedAccessTypes,
  })
}

/** Rules that depend on the caller or the tenant rather than the body shape. */
export function policyChecks(
  state: SimState,
  req: FastifyRequest,
  reply: FastifyReply,
  t: Tenant,
  appOnly: boolean,
  value: Json,
): FastifyReply | null {
  if ('isServiceProvider' in value && appOnly) {
    // Third-party observation (UNCONFIRMED by Microsoft): app-only writes that set isServiceProvider get 403.
    return graphError(
      req,
      reply,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    )
  }
  const inboundTrust = value.inboundTrust
  if (inboundTrust && t.licence === 'none') {
    const mode = state.settingsFor(t).unlicensedInboundTrust
    if (mode === 'reject-400')
      return badRequest(req, reply, 'Trust settings require a Microsoft Entra ID P1 license.')
    if (mode === 'reject-403')
      return graphError(
        req,
        reply,
        403,
        'Authorization_RequestDenied',
        'This operation requires a Microsoft Entra ID P1 license.',
      )
  }
  return null
}
