export { configSchema, type Config } from './schema.ts'
export { parseConfig, loadConfig, loadConfigOrExit, ConfigError } from './load.ts'
export { resolveSecretFiles, SECRET_VARIABLES } from './secret-files.ts'
export type { TrustProxy } from './trust-proxy.ts'
