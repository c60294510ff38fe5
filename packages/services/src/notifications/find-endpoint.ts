import { NotFoundError } from '@crosstrust/core'
import type { Prisma } from '@crosstrust/db'
import { z } from 'zod'
import type { ServiceContext } from '../context.ts'

/** The endpoint's row, for the services of this folder only (staff get `PublicWebhookEndpoint`). */
export async function findEndpoint(db: ServiceContext['db'] | Prisma.TransactionClient, id: string) {
  const endpoint = z.uuid().safeParse(id).success
    ? await db.webhookEndpoint.findUnique({ where: { id } })
    : null
  if (!endpoint) throw new NotFoundError(`No webhook endpoint ${id}.`, { code: 'webhook_not_found' })
  return endpoint
}
