// Directory role template ids, as Microsoft lists them (the ids are the same in every tenant).
// https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference
const TEMPLATE_IDS: Record<string, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
}
/** Every member user holds the default user role; real `wids` claims list it too. */
const DEFAULT_USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509'

/** The `wids` claim for a user's directory roles (by display name; unknown names are left out). */
export function directoryRoleTemplateIds(roles: readonly string[]): string[] {
  const ids = roles.flatMap((name) => {
    const id = TEMPLATE_IDS[name]
    return id === undefined ? [] : [id]
  })
  return [...new Set([...ids, DEFAULT_USER_ROLE])]
}
