// The logging surface this package needs; a pino logger satisfies it. Nothing logged here carries tokens.

export interface MicrosoftLogger {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** Optional counters/histograms (e.g. prom-client adapters). */
export interface MicrosoftMetrics {
  increment(name: string, labels?: Record<string, string>): void
  observe(name: string, value: number, labels?: Record<string, string>): void
}

const noop = (): void => undefined
export const silentLogger: MicrosoftLogger = { debug: noop, info: noop, warn: noop, error: noop }
