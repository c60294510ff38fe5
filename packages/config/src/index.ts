export { configSchema, type Config } from './schema.ts'
export { parseConfig, loadConfigOrExit, ConfigError } from './load.ts'
export type { TrustProxy } from './trust-proxy.ts'
