export { configSchema, type Config } from './schema.ts'
export { parseConfig, loadConfigOrExit, ConfigError } from './load.ts'
