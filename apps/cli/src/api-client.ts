import { CliError, EXIT } from './errors.ts'
import type { Target } from './settings.ts'

interface Problem {
  title?: string
  detail?: string
  code?: string
  status?: number
  errors?: { path: string; message: string }[]
  requiredRole?: string
}

/** Turns an RFC 9457 problem into one readable line (plus the field errors, one per line). */
export function describeProblem(status: number, problem: Problem | null): string {
  if (!problem) return `The API answered ${status}.`
  const head = [problem.title, problem.detail].filter((s) => s !== undefined && s !== '').join(': ')
  const role = problem.requiredRole ? ` (needs the ${problem.requiredRole} role)` : ''
  const fields = (problem.errors ?? []).map((e) => `\n  ${e.path}: ${e.message}`).join('')
  return `${head || `HTTP ${status}`}${role} [${status}${problem.code ? ` ${problem.code}` : ''}]${fields}`
}

export class ApiClient {
  constructor(
    private readonly target: Target,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get baseUrl(): string {
    return this.target.baseUrl
  }

  async raw(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response
    try {
      res = await this.fetchImpl(`${this.target.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.target.token}`,
          accept: 'application/json',
          'user-agent': 'crosstrust-cli',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'manual',
      })
    } catch (err) {
      throw new CliError(`Cannot reach ${this.target.baseUrl}: ${(err as Error).message}`)
    }
    if (res.ok) return res
    const text = await res.text()
    let problem: Problem | null
    try {
      problem = JSON.parse(text) as Problem
    } catch {
      problem = null
    }
    throw new CliError(describeProblem(res.status, problem), res.status === 401 ? EXIT.auth : EXIT.failed)
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body)
    if (res.status === 204) return undefined as T
    return (await res.json()) as T
  }
}

/** `?a=1&b=2` from the defined values only. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}
