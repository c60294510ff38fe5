// Partner entries as Graph v1.0 returns them, in the state the policy wants: the shared fixtures of the
// test kit, plus a helper for drifted variants.
import { compliantPartnerEntry } from '@crosstrust/testkit/fixtures'

export { PARTNER_TENANT_ID } from '@crosstrust/testkit/fixtures'

export function compliantPartner(): Record<string, unknown> {
  return compliantPartnerEntry()
}

/** Deep-set helper for building drifted variants. */
export function withValue(path: string, value: unknown, base = compliantPartner()): Record<string, unknown> {
  const segments = path.split('.')
  let current: Record<string, unknown> = base
  for (const segment of segments.slice(0, -1)) {
    current = current[segment] as Record<string, unknown>
  }
  current[segments.at(-1) as string] = value
  return base
}
