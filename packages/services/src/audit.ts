import type { Tx } from '@crosstrust/db'
import type { Actor } from './context.ts'
import { optionalJsonValue } from './json-value.ts'

export interface AuditInput {
  action: string
  customerId?: string | null
  entityType?: string
  entityId?: string
  before?: unknown
  after?: unknown
}

/** Appends one audit event inside the caller's transaction, so the change and its record commit together. */
export async function recordAudit(tx: Tx, actor: Actor, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorName: actor.name ?? null,
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
      action: input.action,
      customerId: input.customerId ?? null,
      entityType: input.entityType ?? null,
      entityId: input.entityId ?? null,
      before: optionalJsonValue(input.before),
      after: optionalJsonValue(input.after),
    },
  })
}
