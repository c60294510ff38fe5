import { defaultPolicy, parsePolicyDefinition, type PolicyDefinition } from '@crosstrust/core'
import type { Db, Tx } from '@crosstrust/db'

/** The policy in force: the latest published version, or version 1 (the setup guide) before any publish. */
export async function currentPolicy(db: Db | Tx): Promise<PolicyDefinition> {
  const latest = await db.policyVersion.findFirst({ orderBy: { version: 'desc' } })
  return latest ? parsePolicyDefinition(latest.definition) : defaultPolicy
}
