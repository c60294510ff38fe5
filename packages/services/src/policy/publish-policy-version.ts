import {
  canonicalJson,
  ConflictError,
  defaultPolicy,
  parsePolicyDefinition,
  ValidationError,
  type PolicyDefinition,
} from '@crosstrust/core'
import { isUniqueViolation } from '@crosstrust/db'
import { ZodError } from 'zod'
import { recordAudit } from '../audit.ts'
import { toJsonValue } from '../json-value.ts'
import type { Actor, ServiceContext } from '../context.ts'
import { startRollout, type RolloutOptions } from './rollout.ts'

export interface PublishedPolicyVersion {
  version: number
  definition: PolicyDefinition
  rolloutId: string
  /** Customers whose next check was moved into the rollout window. */
  scheduled: number
}

function parseJsonText(input: unknown): unknown {
  if (typeof input !== 'string') return input
  try {
    return JSON.parse(input) as unknown
  } catch (err) {
    throw new ValidationError('The policy definition is not valid JSON.', [
      { path: '', message: err instanceof Error ? err.message : 'not valid JSON' },
    ])
  }
}

/** The definition to store as `version`: validated, and numbered by the store, not by the caller. */
export function validatePolicyDefinition(input: unknown, version: number): PolicyDefinition {
  const raw = parseJsonText(input)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('The policy definition must be a JSON object.', [
      { path: '', message: 'must be an object with version, description and fields' },
    ])
  }
  const given = (raw as { version?: unknown }).version
  if (given !== undefined && given !== version) {
    // Someone edited an older version, or another publish won the race: make them look again.
    throw new ValidationError(`The next policy version is ${version}.`, [
      { path: 'version', message: `must be ${version} (the next version) or omitted` },
    ])
  }
  try {
    return parsePolicyDefinition({ ...raw, version })
  } catch (err) {
    if (!(err instanceof ZodError)) throw err
    throw new ValidationError(
      'The policy definition is invalid.',
      err.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    )
  }
}

/** What makes two definitions the same policy: the fields, in canonical form (version and text aside). */
function sameFields(a: PolicyDefinition, b: PolicyDefinition): boolean {
  return canonicalJson(a.fields) === canonicalJson(b.fields)
}

/**
 * Publishes a new policy version (the policy is data, versioned) and starts rolling it
 * out: every onboarded customer is re-checked against it within the rollout window, and per mode the check
 * repairs (remediate) or reports the new drift (report, alert). Versions are immutable and numbered
 * latest+1; two concurrent publishes cannot both get the same number (primary key), the loser gets a
 * ConflictError. Publishing the fields already in force is refused: it would re-check everyone for nothing.
 */
export async function publishPolicyVersion(
  ctx: ServiceContext,
  definitionJson: unknown,
  notes: string | null,
  actor: Actor,
  options: RolloutOptions = {},
): Promise<PublishedPolicyVersion> {
  const latest = await ctx.db.policyVersion.findFirst({ orderBy: { version: 'desc' } })
  const current = latest ? parsePolicyDefinition(latest.definition) : defaultPolicy
  const definition = validatePolicyDefinition(definitionJson, current.version + 1)
  if (sameFields(definition, current)) {
    throw new ConflictError(`Version ${current.version} already has exactly these fields.`, {
      code: 'policy_unchanged',
      extensions: { currentVersion: current.version },
    })
  }
  const publishedBy = actor.id ?? actor.name ?? actor.type
  const trimmedNotes = notes?.trim() === '' ? null : (notes?.trim() ?? null)
  const now = ctx.now()

  let rolloutId: string
  try {
    rolloutId = await ctx.db.$transaction(async (tx) => {
      // Version 1 (the setup guide) is implicit until the first publish; store it so history is complete.
      if (!latest) {
        await tx.policyVersion.create({
          data: {
            version: defaultPolicy.version,
            definition: toJsonValue(defaultPolicy),
            publishedBy: 'system',
            publishedAt: now,
            notes: 'Built-in policy (the setup guide).',
          },
        })
      }
      await tx.policyVersion.create({
        data: {
          version: definition.version,
          definition: toJsonValue(definition),
          publishedBy,
          publishedAt: now,
          notes: trimmedNotes,
        },
      })
      // A newer version supersedes any rollout still running: its customers are re-checked anyway.
      await tx.policyRollout.updateMany({
        where: { status: 'running' },
        data: { status: 'cancelled', finishedAt: now },
      })
      const total = await tx.customer.count({ where: { onboardingState: 'onboarded' } })
      const rollout = await tx.policyRollout.create({
        data: { version: definition.version, total, startedAt: now, startedBy: publishedBy },
      })
      await recordAudit(tx, actor, {
        action: 'policy.published',
        entityType: 'policy_version',
        entityId: String(definition.version),
        before: { version: current.version, fields: current.fields },
        after: {
          version: definition.version,
          description: definition.description,
          notes: trimmedNotes,
          fields: definition.fields,
        },
      })
      await recordAudit(tx, actor, {
        action: 'policy.rollout_started',
        entityType: 'policy_rollout',
        entityId: rollout.id,
        after: { version: definition.version, total },
      })
      return rollout.id
    })
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError(
        'Another policy version was published at the same time; reload and try again.',
        {
          code: 'policy_version_conflict',
        },
      )
    }
    throw err
  }

  const scheduled = await startRollout(ctx, rolloutId, now, options)
  return { version: definition.version, definition, rolloutId, scheduled }
}
