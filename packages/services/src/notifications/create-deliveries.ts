import type { Prisma, Tx } from '@crosstrust/db'

/** A recorded notification event, ready to be delivered to the endpoints that want it. */
export interface DeliverableEvent {
  eventId: string
  eventType: string
  customerId: string
  payload: Prisma.InputJsonValue
  nextAttemptAt: Date
}

/**
 * In the event's transaction: one delivery per enabled endpoint that subscribed to the event's type (no
 * events listed = all), in the endpoints' creation order. Returns the ids of the deliveries created, which
 * are enqueued only after the commit.
 */
export async function createDeliveries(tx: Tx, events: readonly DeliverableEvent[]): Promise<string[]> {
  if (events.length === 0) return []
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { enabled: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, events: true },
  })
  const rows = events.flatMap((event) =>
    endpoints
      .filter((endpoint) => endpoint.events.length === 0 || endpoint.events.includes(event.eventType))
      .map((endpoint) => ({ endpointId: endpoint.id, ...event })),
  )
  if (rows.length === 0) return []
  const deliveries = await tx.webhookDelivery.createManyAndReturn({
    data: rows,
    skipDuplicates: true,
    select: { id: true },
  })
  return deliveries.map((delivery) => delivery.id)
}
