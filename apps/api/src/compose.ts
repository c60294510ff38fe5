import { readFileSync } from 'node:fs'
import { ConfigError, type Config } from '@crosstrust/config'
import { evidenceSigningKeyFromPem } from '@crosstrust/core'
import type { Logger } from '@crosstrust/logger'
import { createAdminSignIn, loadClientCredential, resolveTenant } from '@crosstrust/microsoft'
import {
  createSummaryCache,
  type EvidenceSettings,
  type ServiceContext,
  type SummaryCache,
} from '@crosstrust/services'
import type { AppDeps } from './app.ts'
import type { Infrastructure } from './infrastructure.ts'
import { composeMetrics } from './metrics.ts'
import { redisRateLimitStore } from './plugins/rate-limit-store.ts'

/**
 * Who the client is and how often it may come: the proxies trusted for X-Forwarded-For and the rate
 * limits' shared Redis counters, namespaced under QUEUE_PREFIX like every other key of this deployment.
 */
export function composeEdge(
  config: Config,
  infra: Pick<Infrastructure, 'rateLimitRedis'>,
  logger: Logger,
): Pick<AppDeps, 'trustProxy' | 'rateLimitStore'> {
  return {
    trustProxy: config.TRUST_PROXY,
    rateLimitStore: redisRateLimitStore({ redis: infra.rateLimitRedis, prefix: config.QUEUE_PREFIX, logger }),
  }
}

/** The evidence packs' partner and signing key (EVIDENCE_SIGNING_KEY or its _FILE form; docs/evidence.md). */
export function composeEvidence(config: Config): EvidenceSettings {
  const variable =
    config.EVIDENCE_SIGNING_KEY_FILE === undefined ? 'EVIDENCE_SIGNING_KEY' : 'EVIDENCE_SIGNING_KEY_FILE'
  let signingKey: EvidenceSettings['signingKey'] = null
  try {
    const pem =
      config.EVIDENCE_SIGNING_KEY ??
      (config.EVIDENCE_SIGNING_KEY_FILE === undefined
        ? undefined
        : readFileSync(config.EVIDENCE_SIGNING_KEY_FILE, 'utf8'))
    if (pem !== undefined) signingKey = evidenceSigningKeyFromPem(pem)
  } catch (err) {
    // Named like any other bad variable; the key itself is never echoed.
    const reason = err instanceof Error && !('code' in err) ? err.message : 'the file cannot be read'
    throw new ConfigError([`${variable}: ${reason}`])
  }
  return { partner: { name: config.PARTNER_NAME, tenantId: config.PARTNER_TENANT_ID }, signingKey }
}

/**
 * One per API process, shared by the staff API and the dashboard: the overview counts are taken at most
 * every few seconds however many staff look, and every answer says how old they are. A failed background
 * recount is answered with the older counts, so the log is the only place it shows.
 */
export function composeSummaries(logger: Logger): SummaryCache {
  return createSummaryCache({
    onError: (err) => {
      logger.error({ err }, 'overview summary recount failed; serving the previous counts')
    },
  })
}

/** Wires configuration and infrastructure into the route groups (the API's composition root). */
export function composeRoutes(
  config: Config,
  infra: Pick<Infrastructure, 'prisma' | 'queues'>,
  logger: Logger,
): Pick<AppDeps, 'consent' | 'status' | 'staffApi' | 'dashboard' | 'metrics'> {
  const emailEnabled = config.SMTP_URL !== undefined && config.MAIL_FROM !== undefined
  const webhookTargets = { allowedPrivateNetworks: config.WEBHOOK_ALLOWED_PRIVATE_NETWORKS }
  const summaries = composeSummaries(logger)
  const evidence = composeEvidence(config)
  const ctx: ServiceContext = {
    db: infra.prisma,
    now: () => new Date(),
    enqueue: (kind, payload, options) =>
      infra.queues.enqueue(kind, payload, options?.delayMs === undefined ? {} : { delay: options.delayMs }),
  }
  const credential = loadClientCredential({
    certificatePath: config.APP_CLIENT_CERTIFICATE_PATH,
    secret: config.APP_CLIENT_SECRET,
  })
  return {
    metrics: composeMetrics(config, infra),
    consent: {
      ctx,
      partner: { name: config.PARTNER_NAME, tenantId: config.PARTNER_TENANT_ID },
      publicBaseUrl: config.PUBLIC_BASE_URL,
      consent: {
        loginUrl: config.MS_LOGIN_URL,
        clientId: config.APP_CLIENT_ID,
        redirectUri: `${config.PUBLIC_BASE_URL}/consent/callback`,
        partnerTenantId: config.PARTNER_TENANT_ID,
        partnerName: config.PARTNER_NAME,
        signIn: createAdminSignIn({
          loginUrl: config.MS_LOGIN_URL,
          clientId: config.APP_CLIENT_ID,
          credential,
          redirectUri: `${config.PUBLIC_BASE_URL}/consent/signed-in`,
        }),
      },
    },
    status: {
      ctx,
      partner: { name: config.PARTNER_NAME },
      publicBaseUrl: config.PUBLIC_BASE_URL,
      status: {
        publicBaseUrl: config.PUBLIC_BASE_URL,
        partnerTenantId: config.PARTNER_TENANT_ID,
        partnerName: config.PARTNER_NAME,
        appClientId: config.APP_CLIENT_ID,
        // Its own redirect URI, registered on the app next to the consent ones (README: app registration).
        signIn: createAdminSignIn({
          loginUrl: config.MS_LOGIN_URL,
          clientId: config.APP_CLIENT_ID,
          credential,
          redirectUri: `${config.PUBLIC_BASE_URL}/status/signed-in`,
        }),
      },
    },
    staffApi: {
      ctx,
      resolveTenant: (domainOrId) => resolveTenant(config.MS_LOGIN_URL, domainOrId),
      links: { publicBaseUrl: config.PUBLIC_BASE_URL, ttlDays: config.CONSENT_LINK_TTL_DAYS },
      webhookTargets,
      summaries,
      evidence,
      emailEnabled,
    },
    dashboard: {
      ctx,
      resolveTenant: (domainOrId) => resolveTenant(config.MS_LOGIN_URL, domainOrId),
      links: { publicBaseUrl: config.PUBLIC_BASE_URL, ttlDays: config.CONSENT_LINK_TTL_DAYS },
      webhookTargets,
      summaries,
      evidence,
      emailEnabled,
      partnerName: config.PARTNER_NAME,
      defaultMode: config.DEFAULT_MODE,
      flashSecret: config.SESSION_SECRET ?? '',
      // Same rule as the session cookie: Secure unless development or plain http.
      secureCookies: config.NODE_ENV !== 'development' && config.PUBLIC_BASE_URL.startsWith('https:'),
    },
  }
}
