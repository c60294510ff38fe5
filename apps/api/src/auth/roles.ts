// The staff app roles, ordered: each role includes everything the roles before it may do.
export const ROLES = ['Viewer', 'Operator', 'Admin'] as const
export type Role = (typeof ROLES)[number]

const RANK: Record<Role, number> = { Viewer: 1, Operator: 2, Admin: 3 }

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Keeps only our app roles from a token's `roles` claim (other apps' or unknown roles grant nothing). */
export function staffRoles(claim: unknown): Role[] {
  if (!Array.isArray(claim)) return []
  return ROLES.filter((r) => claim.includes(r))
}

/** True when one of `roles` is at least `required` (Admin satisfies Operator satisfies Viewer). */
export function satisfies(roles: readonly Role[], required: Role): boolean {
  return roles.some((r) => RANK[r] >= RANK[required])
}
