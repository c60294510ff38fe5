// Public entry of the Microsoft simulator: start it embedded (tests, demo) or via the CLI.
import {
  issueServerCertificate,
  ensureSimulatorCa as ensureCa,
  defaultCaDir,
  simulatorTrustBundle as trustBundle,
} from './certs.ts'
import { SimState } from './state.ts'
import type { SimSeed } from './seed-schema.ts'
import { buildOrigin } from './server.ts'

export type { SimSeed, TenantSeed, AppSeed, UserSeed, TenantSettings, Licence } from './seed-schema.ts'
export { simSeedSchema } from './seed-schema.ts'
export type {
  ConditionalAccessPolicyInput,
  AuthorizationPolicyPatch,
  CloudSeed,
} from './graph-seed-schema.ts'
export { MSA_TENANT_ID } from './graph-seed-schema.ts'
export { SimState } from './state.ts'
export type { Tenant, App, User, ServicePrincipal } from './state.ts'
export type { FaultRuleInput, FaultRule } from './faults.ts'
export type { RequestLogEntry, RequestLogFilter } from './request-log.ts'
export { createClientCertificate, thumbprints } from './certs.ts'
export type { ClientCertificate } from './certs.ts'
export { buildDemoSeed, DEMO_IDS } from './demo-seed.ts'
export {
  BATCH_ANSWERS_IN_ORDER,
  DEFAULT_SETTINGS,
  INSTANT_CONSISTENCY,
  INSTANT_REPLICATION,
} from './settings.ts'
export type { DemoSeedOptions } from './demo-seed.ts'
export { GRAPH_APP_ROLES } from './graph-permissions.ts'

export interface StartSimulatorOptions {
  host?: string
  loginPort?: number
  graphPort?: number
  caDir?: string
  seed?: SimSeed
  logRequests?: boolean
  /** Request log ring-buffer size (default 200,000 entries). */
  requestLogCap?: number
  /**
   * Host name to put in the URLs (and issuers) when clients reach the simulator by a name, e.g.
   * `sim.localhost` in docker compose; it is added to the server certificate.
   */
  publicHost?: string
}

export interface RunningSimulator {
  loginUrl: string
  graphUrl: string
  caCertPath: string
  state: SimState
  close(): Promise<void>
}

export async function ensureSimulatorCa(caDir?: string): Promise<{ certPath: string; keyPath: string }> {
  return ensureCa(caDir ?? defaultCaDir())
}

/**
 * Path for NODE_EXTRA_CA_CERTS so a process trusts the simulator: the CA, or (if NODE_EXTRA_CA_CERTS is
 * already set, e.g. to a system bundle) a bundle of that file plus the CA.
 */
export async function simulatorTrustBundle(caDir?: string): Promise<string> {
  return trustBundle(caDir ?? defaultCaDir())
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1'
  const urlHost = opts.publicHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)
  const ca = await ensureSimulatorCa(opts.caDir)
  const tls = await issueServerCertificate(ca, [urlHost])
  const state = await SimState.create(opts.seed ?? {}, { requestLogCap: opts.requestLogCap })
  const login = buildOrigin('login', state, { key: tls.keyPem, cert: tls.certPem }, opts.logRequests ?? false)
  const graph = buildOrigin('graph', state, { key: tls.keyPem, cert: tls.certPem }, opts.logRequests ?? false)
  await login.listen({ host, port: opts.loginPort ?? 0 })
  try {
    await graph.listen({ host, port: opts.graphPort ?? 0 })
  } catch (e) {
    await login.close()
    throw e
  }
  const port = (f: typeof login): number => {
    const a = f.server.address()
    if (!a || typeof a === 'string') throw new Error('server has no port')
    return a.port
  }
  const fmt = (p: number): string => `https://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${p}`
  state.loginUrl = fmt(port(login))
  state.graphUrl = fmt(port(graph))
  let closed = false
  return {
    loginUrl: state.loginUrl,
    graphUrl: state.graphUrl,
    caCertPath: ca.certPath,
    state,
    async close() {
      if (closed) return
      closed = true
      await Promise.all([login.close(), graph.close()])
    },
  }
}
export { buildTrustDemoTenants, TRUST_DEMO_TENANTS, type TrustDemoKey } from './trust-demo-seed.ts'
