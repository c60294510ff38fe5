// Walks every registered route of an app with no token, each bad token and each role, and reports every
// answer that disagrees with the route table. Generic on purpose: the same walk runs over a test app and
// over the full API (`buildApp`), so the table and the enforcement are proven for every route there is.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { ROLES, satisfies, type Role } from './roles.ts'

export interface MatrixCredentials {
  /** A valid bearer token for a user holding exactly this role. */
  roles: Record<Role, string>
  /** A valid bearer token of a user with none of our roles (optional). */
  noRole?: string
  /** Tokens that must be refused (expired, wrong audience, …), by a name used in findings. */
  bad: Record<string, string>
}

export interface MatrixFinding {
  method: string
  url: string
  as: string
  expected: 'allowed' | '401' | '403'
  status: number
}

export interface MatrixResult {
  /** Requests made. */
  checked: number
  /** Distinct method + URL pairs walked. */
  routes: number
  findings: MatrixFinding[]
}

/** A concrete path for a route pattern: params and wildcards filled with harmless values. */
export function samplePath(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, '00000000-0000-4000-8000-000000000000').replace(/\*/g, 'x')
}

function isOurUnauthenticated(res: LightMyRequestResponse): boolean {
  const h = res.headers['www-authenticate']
  return res.statusCode === 401 && typeof h === 'string' && h.startsWith('Bearer')
}

function isOurForbidden(res: LightMyRequestResponse): boolean {
  if (res.statusCode !== 403) return false
  try {
    return (JSON.parse(res.body) as { code?: unknown }).code === 'insufficient_role'
  } catch {
    return false
  }
}

export async function walkRoutePolicyMatrix(
  app: FastifyInstance,
  creds: MatrixCredentials,
): Promise<MatrixResult> {
  const findings: MatrixFinding[] = []
  let checked = 0
  const seen = new Set<string>()
  const routes = app.routePolicies.filter((r) => {
    const key = `${r.method} ${r.url}`
    if (r.method === 'HEAD' || seen.has(key)) return false
    seen.add(key)
    return true
  })

  for (const route of routes) {
    const url = samplePath(route.url)
    const call = async (token: string | undefined) => {
      checked++
      const hasBody = !['GET', 'DELETE', 'OPTIONS'].includes(route.method)
      return app.inject({
        method: route.method as 'GET',
        url,
        headers: {
          accept: 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(hasBody ? { payload: {} } : {}),
      })
    }
    const expect = async (as: string, token: string | undefined, expected: MatrixFinding['expected']) => {
      const res = await call(token)
      const ok =
        expected === '401'
          ? isOurUnauthenticated(res)
          : expected === '403'
            ? isOurForbidden(res)
            : !isOurUnauthenticated(res) && !isOurForbidden(res)
      if (!ok) findings.push({ method: route.method, url: route.url, as, expected, status: res.statusCode })
    }

    if (route.access === 'public') {
      await expect('anonymous', undefined, 'allowed')
      continue
    }
    const required = route.access
    await expect('anonymous', undefined, '401')
    for (const [name, token] of Object.entries(creds.bad)) await expect(`bad token: ${name}`, token, '401')
    for (const role of ROLES) {
      await expect(role, creds.roles[role], satisfies([role], required) ? 'allowed' : '403')
    }
    if (creds.noRole !== undefined) await expect('no role', creds.noRole, '403')
  }
  return { checked, routes: routes.length, findings }
}
