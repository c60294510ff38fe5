import { configSchema, type Config } from './schema.ts'
import { resolveSecretFiles } from './secret-files.ts'

export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Validates an environment; throws ConfigError naming every bad variable (never echoing values: they may be secrets). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const result = configSchema.safeParse(cleaned)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(config)'
    const missing = issue.code === 'invalid_type' && issue.input === undefined
    return `${name}: ${missing ? 'is required but missing' : issue.message}`
  })
  throw new ConfigError(problems)
}

/** Reads the `<NAME>_FILE` secrets of `env` (secret-files.ts), then validates it like parseConfig. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const secrets = resolveSecretFiles(env)
  if (secrets.problems.length > 0) throw new ConfigError(secrets.problems)
  return parseConfig(secrets.env)
}

/** For process entry points: print the problems and exit 78 (EX_CONFIG) instead of a stack trace. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(78)
    }
    throw err
  }
}
