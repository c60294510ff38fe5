import { CliError, EXIT } from '../errors.ts'
import { json, when } from '../output.ts'
import { asJson, client, idArg, str, type CommandContext, type Json } from './context.ts'

// Actions on one customer: a consent link, and the queued recheck, apply and offboard.

export async function link(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const issued = await api.json<{ id: string; url: string; expiresAt: string }>(
    'POST',
    `/api/v1/customers/${idArg(ctx)}/consent-links`,
  )
  if (asJson(ctx)) {
    ctx.io.out(json(issued))
    return
  }
  // The URL alone on stdout (scripts pipe it into mail); the context on stderr.
  ctx.io.out(`${issued.url}\n`)
  ctx.io.err(`Consent link valid until ${when(issued.expiresAt)} UTC; earlier links are revoked.\n`)
}

async function queuedAction(ctx: CommandContext, action: 'recheck' | 'apply' | 'offboard', body?: Json) {
  const api = await client(ctx)
  const answer = await api.json<{ customerId: string; queued: string | null; requestedAt: string }>(
    'POST',
    `/api/v1/customers/${idArg(ctx)}/${action}`,
    body,
  )
  if (asJson(ctx)) ctx.io.out(json(answer))
  else ctx.io.out(`Queued ${answer.queued ?? 'nothing'} for customer ${answer.customerId}.\n`)
}

export const recheck = (ctx: CommandContext) => queuedAction(ctx, 'recheck')
export const apply = (ctx: CommandContext) => queuedAction(ctx, 'apply')

export async function offboard(ctx: CommandContext): Promise<void> {
  if (ctx.values.yes !== true) {
    throw new CliError(
      'Offboarding removes the partner entry from the customer tenant and stops monitoring. Pass --yes to confirm.',
      EXIT.usage,
    )
  }
  const reason = str(ctx.values.reason)
  await queuedAction(ctx, 'offboard', reason === undefined ? {} : { reason })
}
