import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import { trustProxy } from './trust-proxy.ts'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const httpsOrHttpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''))
const httpsUrl = z.url({
  protocol: /^https$/,
  error: 'must be an https:// URL (MSAL rejects http authorities)',
})
const guid = z
  .string()
  .regex(GUID, 'must be a tenant ID (GUID)')
  .transform((s) => s.toLowerCase())
const positiveInt = z.coerce.number().int().positive()
/** Comma-separated CIDR ranges (`10.20.0.0/16,127.0.0.1/32`); empty means none. */
const cidrList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .superRefine((list, ctx) => {
    for (const cidr of list) {
      if (!ipaddr.isValidCIDR(cidr)) {
        ctx.addIssue({ code: 'custom', message: `"${cidr}" is not a CIDR range (e.g. 10.20.0.0/16)` })
      }
    }
  })

/**
 * The configuration contract plus operational knobs with safe defaults.
 * Every process validates it once at start; nothing else reads process.env.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// connection string' }),
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// connection string' }),
    PUBLIC_BASE_URL: httpsOrHttpUrl,
    MS_LOGIN_URL: httpsUrl
      .default('https://login.microsoftonline.com')
      .transform((u) => u.replace(/\/+$/, '')),
    MS_GRAPH_URL: httpsUrl.default('https://graph.microsoft.com').transform((u) => u.replace(/\/+$/, '')),
    APP_CLIENT_ID: guid,
    APP_CLIENT_SECRET: z.string().min(1).optional(),
    APP_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
    PARTNER_TENANT_ID: guid,
    PARTNER_NAME: z.string().min(1).max(256),
    STAFF_TENANT_ID: guid.optional(),
    STAFF_CLIENT_ID: guid.optional(),
    STAFF_CLIENT_SECRET: z.string().min(1).optional(),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    HOST: z.string().default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]+$/i)
      .default('crosstrust'),
    WORKER_CONCURRENCY: positiveInt.max(1000).default(20),
    DEFAULT_MODE: z.enum(['report', 'alert', 'remediate']).default('alert'),
    CHECK_INTERVAL_SECONDS: positiveInt.default(6 * 3600),
    CONSENT_LINK_TTL_DAYS: positiveInt.max(365).default(14),
    CONSENT_RETRY_WINDOW_SECONDS: positiveInt.default(300),
    /** SMTP server for consent-link emails (smtp:// or smtps://, credentials in the URL); unset: no email. */
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    /** The From of consent-link emails, e.g. `Truesec Detect AB <onboarding@partner.example>`. */
    MAIL_FROM: z.string().min(3).max(320).optional(),
    /** Where customers' replies go (the onboarding team's mailbox). */
    MAIL_REPLY_TO: z.string().min(3).max(320).optional(),
    /** A reminder goes when an emailed link is unused this many hours before it expires; 0: no reminders. */
    CONSENT_REMINDER_HOURS: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 365)
      .default(72),
    /** Unused consent links expired or revoked longer ago than this are deleted (audited) by the sweep. */
    CONSENT_LINK_RETENTION_DAYS: positiveInt.max(3650).default(30),
    SWEEP_INTERVAL_SECONDS: positiveInt.max(3600).default(30),
    CHECK_BACKOFF_BASE_SECONDS: positiveInt.default(60),
    CHECK_BACKOFF_CAP_SECONDS: positiveInt.default(6 * 3600),
    /** Proxies trusted to set X-Forwarded-For: a hop count or an IP/CIDR list, never `true` (trust-proxy.ts). */
    TRUST_PROXY: trustProxy,
    /** The worker's Prometheus listener (`/metrics`); 0 disables it. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** When set, `/metrics` (API and worker) requires `Authorization: Bearer <token>`. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Private ranges webhooks may reach (loopback, RFC 1918, unique-local, …), which are refused otherwise.
     * Empty in every mode: a deployment opens only what its receivers need.
     */
    WEBHOOK_ALLOWED_PRIVATE_NETWORKS: cidrList.default([]),
    /**
     * The Ed25519 private key (PKCS#8 PEM) that signs evidence packs, inline or as a file; without one the
     * evidence export answers 503 (docs/evidence.md).
     */
    EVIDENCE_SIGNING_KEY: z.string().min(1).optional(),
    EVIDENCE_SIGNING_KEY_FILE: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.SMTP_URL !== undefined && c.MAIL_FROM === undefined) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'set MAIL_FROM when SMTP_URL is set' })
    }
    if (!c.APP_CLIENT_SECRET && !c.APP_CLIENT_CERTIFICATE_PATH) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_CLIENT_SECRET'],
        message: 'set APP_CLIENT_SECRET or APP_CLIENT_CERTIFICATE_PATH (the partner app credential)',
      })
    }
  })
  .superRefine((c, ctx) => {
    if (c.EVIDENCE_SIGNING_KEY !== undefined && c.EVIDENCE_SIGNING_KEY_FILE !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['EVIDENCE_SIGNING_KEY_FILE'],
        message: 'set EVIDENCE_SIGNING_KEY or EVIDENCE_SIGNING_KEY_FILE, not both',
      })
    }
  })
  .transform((c) => ({ ...c, STAFF_TENANT_ID: c.STAFF_TENANT_ID ?? c.PARTNER_TENANT_ID }))

export type Config = z.output<typeof configSchema>
