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
  await recordAudits(tx, actor, [input])
}

/**
 * Appends several audit events of one actor in one statement, in order, inside the caller's transaction.
 * createMany rather than create: it returns no row, and nobody reads the one written.
 */
export async function recordAudits(tx: Tx, actor: Actor, inputs: readonly AuditInput[]): Promise<void> {
  if (inputs.length === 0) return
  await tx.auditEvent.createMany({ data: inputs.map((input) => auditRow(actor, input)) })
}

function auditRow(actor: Actor, input: AuditInput) {
  return {
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
  }
}
