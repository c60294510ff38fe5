import { randomBytes } from 'node:crypto'
import {
  NOTIFICATION_FORMATS,
  TRANSITION_KINDS,
  ValidationError,
  parseAllowedNetworks,
  webhookUrlProblem,
  type NotificationFormat,
} from '@crosstrust/core'
import type { WebhookEndpoint } from '@crosstrust/db'
import { z } from 'zod'
import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { parseOrThrow } from '../validation.ts'
import { findEndpoint } from './find-endpoint.ts'

// Webhook endpoints: where state-change notifications go. The signing secret is generated here (never
// chosen by staff, so it is always strong), returned once by `createWebhookEndpoint`/`rotateWebhookSecret`
// and never again: list/get/update return `PublicWebhookEndpoint`, and audit records never contain it.
//
// The URL's target rule (core `webhookUrlProblem`) depends on the deployment's
// `WEBHOOK_ALLOWED_PRIVATE_NETWORKS`, so the schemas below check only its shape and the service functions
// check the target; the worker enforces the rule again on the address it connects to.

const ALL_NETWORKS = parseAllowedNetworks(['0.0.0.0/0', '::/0'])

const url = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    // With every private network open: only what no deployment may accept (form, scheme, credentials).
    const problem = webhookUrlProblem(value, ALL_NETWORKS)
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
  })

/** Which private networks webhook targets may be in (`WEBHOOK_ALLOWED_PRIVATE_NETWORKS`). */
export interface WebhookTargetPolicy {
  allowedPrivateNetworks: readonly string[]
}

/** The default: public addresses only. */
export const PUBLIC_TARGETS_ONLY: WebhookTargetPolicy = { allowedPrivateNetworks: [] }

function checkTarget(rawUrl: string, policy: WebhookTargetPolicy): void {
  const problem = webhookUrlProblem(rawUrl, parseAllowedNetworks(policy.allowedPrivateNetworks))
  if (problem !== null) {
    throw new ValidationError('Invalid webhook endpoint.', [{ path: 'url', message: problem }])
  }
}

const fields = {
  name: z.string().trim().min(1, 'name is required').max(200),
  url,
  format: z.enum(NOTIFICATION_FORMATS),
  /** Transition kinds to deliver; empty = all of them. */
  events: z
    .array(z.enum(TRANSITION_KINDS))
    .max(TRANSITION_KINDS.length)
    .transform((list) => [...new Set(list)]),
  enabled: z.boolean(),
}

export const createWebhookEndpointInput = z
  .object({
    name: fields.name,
    url: fields.url,
    format: fields.format.default('json'),
    events: fields.events.default([]),
    enabled: fields.enabled.default(true),
  })
  .strict()
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointInput>

export const updateWebhookEndpointInput = z
  .object({
    name: fields.name.optional(),
    url: fields.url.optional(),
    format: fields.format.optional(),
    events: fields.events.optional(),
    enabled: fields.enabled.optional(),
  })
  .strict()
export type UpdateWebhookEndpointInput = z.input<typeof updateWebhookEndpointInput>

/** An endpoint as staff see it: everything but the secret. */
export interface PublicWebhookEndpoint {
  id: string
  name: string
  url: string
  format: NotificationFormat
  events: string[]
  enabled: boolean
  createdBy: string | null
  createdAt: Date
  updatedAt: Date
}

export function publicEndpoint(endpoint: WebhookEndpoint): PublicWebhookEndpoint {
  return {
    id: endpoint.id,
    name: endpoint.name,
    url: endpoint.url,
    format: endpoint.format,
    events: endpoint.events,
    enabled: endpoint.enabled,
    createdBy: endpoint.createdBy,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  }
}

/** What the audit log keeps about an endpoint (no secret; the URL path may embed a Teams/Slack key). */
function auditView(endpoint: WebhookEndpoint) {
  return {
    name: endpoint.name,
    url: redactWebhookUrl(endpoint.url),
    format: endpoint.format,
    events: endpoint.events,
    enabled: endpoint.enabled,
  }
}

/**
 * Teams and Slack incoming-webhook URLs are bearer credentials in their path and query, so logs and the
 * audit trail keep only the origin.
 */
export function redactWebhookUrl(raw: string): string {
  try {
    const parsed = new URL(raw)
    return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`
  } catch {
    return '[invalid url]'
  }
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

export async function createWebhookEndpoint(
  ctx: ServiceContext,
  rawInput: CreateWebhookEndpointInput,
  actor: Actor,
  targets: WebhookTargetPolicy = PUBLIC_TARGETS_ONLY,
): Promise<{ endpoint: PublicWebhookEndpoint; secret: string }> {
  const input = parseOrThrow(createWebhookEndpointInput, rawInput, 'webhook endpoint')
  checkTarget(input.url, targets)
  const secret = generateWebhookSecret()
  const endpoint = await ctx.db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: { ...input, secret, createdBy: actor.id ?? actor.name ?? null },
    })
    await recordAudit(tx, actor, {
      action: 'webhook.created',
      entityType: 'webhook_endpoint',
      entityId: created.id,
      after: auditView(created),
    })
    return created
  })
  return { endpoint: publicEndpoint(endpoint), secret }
}

export async function listWebhookEndpoints(
  ctx: Pick<ServiceContext, 'db'>,
): Promise<PublicWebhookEndpoint[]> {
  const endpoints = await ctx.db.webhookEndpoint.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
  return endpoints.map(publicEndpoint)
}

export async function getWebhookEndpoint(
  ctx: Pick<ServiceContext, 'db'>,
  id: string,
): Promise<PublicWebhookEndpoint> {
  return publicEndpoint(await findEndpoint(ctx.db, id))
}

export async function updateWebhookEndpoint(
  ctx: ServiceContext,
  id: string,
  rawInput: UpdateWebhookEndpointInput,
  actor: Actor,
  targets: WebhookTargetPolicy = PUBLIC_TARGETS_ONLY,
): Promise<PublicWebhookEndpoint> {
  const input = parseOrThrow(updateWebhookEndpointInput, rawInput, 'webhook endpoint')
  if (input.url !== undefined) checkTarget(input.url, targets)
  const updated = await ctx.db.$transaction(async (tx) => {
    const before = await findEndpoint(tx, id)
    const after = await tx.webhookEndpoint.update({ where: { id }, data: input })
    const action =
      Object.keys(input).length === 1 && input.enabled !== undefined
        ? input.enabled
          ? 'webhook.enabled'
          : 'webhook.disabled'
        : 'webhook.updated'
    await recordAudit(tx, actor, {
      action,
      entityType: 'webhook_endpoint',
      entityId: id,
      before: auditView(before),
      after: auditView(after),
    })
    return after
  })
  return publicEndpoint(updated)
}

export function setWebhookEndpointEnabled(
  ctx: ServiceContext,
  id: string,
  enabled: boolean,
  actor: Actor,
): Promise<PublicWebhookEndpoint> {
  return updateWebhookEndpoint(ctx, id, { enabled }, actor)
}

/** Deletes the endpoint and its delivery log; the audit trail keeps the record of it. */
export async function deleteWebhookEndpoint(ctx: ServiceContext, id: string, actor: Actor): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const before = await findEndpoint(tx, id)
    await tx.webhookEndpoint.delete({ where: { id } })
    await recordAudit(tx, actor, {
      action: 'webhook.deleted',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: auditView(before),
    })
  })
}

/** A new signing secret, returned once; deliveries sent from now on are signed with it. */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
  id: string,
  actor: Actor,
): Promise<{ endpoint: PublicWebhookEndpoint; secret: string }> {
  const secret = generateWebhookSecret()
  const endpoint = await ctx.db.$transaction(async (tx) => {
    await findEndpoint(tx, id)
    const updated = await tx.webhookEndpoint.update({ where: { id }, data: { secret } })
    await recordAudit(tx, actor, {
      action: 'webhook.secret_rotated',
      entityType: 'webhook_endpoint',
      entityId: id,
    })
    return updated
  })
  return { endpoint: publicEndpoint(endpoint), secret }
}
