// The policy versions an evidence period touches: the one in force when the period starts, every version
// published during it, and every version a check of the period was run against.
import { defaultPolicy, type EvidencePolicyVersion } from '@crosstrust/core'
import type { Db } from '@crosstrust/db'
import type { Period } from './period.ts'

export async function loadPolicyVersions(
  db: Db,
  period: Period,
  referenced: readonly number[],
): Promise<EvidencePolicyVersion[]> {
  const inForce = await db.policyVersion.findFirst({
    where: { publishedAt: { lte: period.from } },
    orderBy: { version: 'desc' },
  })
  const rows = await db.policyVersion.findMany({
    where: {
      OR: [
        { publishedAt: { gt: period.from, lte: period.to } },
        { version: { in: [...referenced, ...(inForce ? [inForce.version] : [])] } },
      ],
    },
    orderBy: { version: 'asc' },
  })
  const versions: EvidencePolicyVersion[] = rows.map((r) => ({
    version: r.version,
    publishedAt: r.publishedAt.toISOString(),
    publishedBy: r.publishedBy,
    notes: r.notes,
    definition: r.definition,
  }))
  // Until a version is published, the built-in version 1 (the setup guide) is in force.
  const builtInInForce = inForce === null || referenced.includes(defaultPolicy.version)
  if (builtInInForce && !versions.some((v) => v.version === defaultPolicy.version)) {
    versions.unshift({
      version: defaultPolicy.version,
      publishedAt: null,
      publishedBy: 'built-in',
      notes: defaultPolicy.description,
      definition: defaultPolicy,
    })
  }
  return versions
}
