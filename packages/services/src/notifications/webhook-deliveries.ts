import { recordAudit } from '../audit.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { findEndpoint } from './find-endpoint.ts'

// Deliveries staff start or read: a test ping to one endpoint, and the delivery log.

/** A test notification to one endpoint (even a disabled one: staff test before enabling). */
export async function sendTestPing(
  ctx: ServiceContext,
  id: string,
  actor: Actor,
): Promise<{ deliveryId: string }> {
  const now = ctx.now()
  const delivery = await ctx.db.$transaction(async (tx) => {
    await findEndpoint(tx, id)
    const created = await tx.webhookDelivery.create({
      data: {
        endpointId: id,
        eventType: 'ping',
        payload: {
          requestedAt: now.toISOString(),
          requestedBy: actor.name ?? actor.id ?? actor.type,
        },
        nextAttemptAt: now,
      },
    })
    await recordAudit(tx, actor, {
      action: 'webhook.test_sent',
      entityType: 'webhook_endpoint',
      entityId: id,
      after: { deliveryId: created.id },
    })
    return created
  })
  await ctx.enqueue('notify', { deliveryId: delivery.id })
  return { deliveryId: delivery.id }
}

export interface DeliveryLogEntry {
  id: string
  endpointId: string
  eventId: string | null
  eventType: string
  customerId: string | null
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastStatusCode: number | null
  lastError: string | null
  nextAttemptAt: Date | null
  deliveredAt: Date | null
  createdAt: Date
}

/** The delivery log, newest first. */
export async function listDeliveries(
  ctx: Pick<ServiceContext, 'db'>,
  filter: {
    endpointId?: string
    customerId?: string
    status?: DeliveryLogEntry['status']
    limit?: number
  } = {},
): Promise<DeliveryLogEntry[]> {
  return ctx.db.webhookDelivery.findMany({
    where: { endpointId: filter.endpointId, customerId: filter.customerId, status: filter.status },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(filter.limit ?? 50, 1), 500),
    select: {
      id: true,
      endpointId: true,
      eventId: true,
      eventType: true,
      customerId: true,
      status: true,
      attempts: true,
      lastStatusCode: true,
      lastError: true,
      nextAttemptAt: true,
      deliveredAt: true,
      createdAt: true,
    },
  })
}
