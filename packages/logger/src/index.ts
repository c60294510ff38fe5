import { pino, type Logger, type LoggerOptions } from 'pino'
import { REDACT_PATHS, redactUrl } from './redaction.ts'

export type { Logger } from 'pino'
export { REDACT_PATHS, redactUrl } from './redaction.ts'

export interface CreateLoggerOptions {
  name: string
  level?: string
  /** Pretty, human output for development; JSON lines otherwise (production, CI, tests). */
  pretty?: boolean
  /** Where JSON lines go; defaults to stdout. Tests pass a stream to assert on output. */
  destination?: NodeJS.WritableStream
  base?: Record<string, unknown>
}

export function loggerOptions(opts: Pick<CreateLoggerOptions, 'name' | 'level' | 'base'>): LoggerOptions {
  return {
    name: opts.name,
    level: opts.level ?? 'info',
    base: { service: opts.name, ...opts.base },
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: {
      err: pino.stdSerializers.err,
      req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        ip: req.ip,
      }),
    },
  }
}

export function createLogger(opts: CreateLoggerOptions): Logger {
  const options = loggerOptions(opts)
  if (opts.pretty && !opts.destination) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    })
  }
  return opts.destination ? pino(options, opts.destination) : pino(options)
}

/** Child loggers carry the ids staff search by: request, job and customer. */
export function withContext(
  logger: Logger,
  ctx: { requestId?: string; jobId?: string; customerId?: string; tenantId?: string },
): Logger {
  const bindings: Record<string, string> = {}
  for (const [key, value] of Object.entries(ctx) as [string, string | undefined][]) {
    if (value !== undefined) bindings[key] = value
  }
  return logger.child(bindings)
}
