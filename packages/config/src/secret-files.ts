// Secrets from files: every secret variable also has a `<NAME>_FILE` variant naming a file that holds the
// value (Docker and Kubernetes secrets are mounted as files, and a value in a file does not show up in
// `docker inspect` or the process environment of a debugger). One trailing newline is removed, as editors
// and `echo` add one.
import { readFileSync } from 'node:fs'

/** The variables that may carry a secret: credentials, keys, and connection strings with passwords. */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'APP_CLIENT_SECRET',
  'STAFF_CLIENT_SECRET',
  'SESSION_SECRET',
  'METRICS_TOKEN',
] as const

type Env = Record<string, string | undefined>

/**
 * Returns `env` with each `<NAME>_FILE` of a secret variable replaced by `<NAME>` set to the file's content.
 * Problems (both forms set, an unreadable or empty file) are returned by name, never with a value.
 */
export function resolveSecretFiles(
  env: Env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): { env: Env; problems: string[] } {
  const fileVariables = new Set<string>(SECRET_VARIABLES.map((name) => `${name}_FILE`))
  const resolved: Env = Object.fromEntries(Object.entries(env).filter(([key]) => !fileVariables.has(key)))
  const problems: string[] = []
  for (const name of SECRET_VARIABLES) {
    const path = env[`${name}_FILE`]
    if (path === undefined || path === '') continue
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name}_FILE: set either ${name} or ${name}_FILE, not both`)
      continue
    }
    let value: string
    try {
      value = readFile(path).replace(/\r?\n$/, '')
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
      continue
    }
    if (value === '') problems.push(`${name}_FILE: ${path} is empty`)
    else resolved[name] = value
  }
  return { env: resolved, problems }
}
