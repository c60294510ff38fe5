// Behaviour profiles. DEFAULT_SETTINGS (state.ts) is what the test suite runs on: Microsoft's behaviour
// wherever that costs the suite no time (token-expiry revocation, audit ingestion delay, v1 tokens), and
// no waiting where Microsoft makes a client wait for seconds on every onboarding. REALISTIC_SETTINGS adds
// those waits; the demo (`pnpm demo`, `pnpm sim` with the demo seed) and the benchmarks run on it, and
// dedicated tests turn each switch on. Values are assumptions within what public reports show
// (docs/microsoft-behaviour.md).
import type { TenantSettings } from './seed-schema.ts'

export const REALISTIC_SETTINGS = {
  /** Microsoft documents no replication time; public reports range from seconds to minutes. */
  consentMissingSeconds: 5,
  consentNoRolesSeconds: 3,
  /** Reads after a write: the previous object (or 404 after a create) for a moment. */
  readLagSeconds: 2,
  /** PATCH/DELETE right after a POST: 404 Request_ResourceNotFound for a moment. */
  createNotFoundSeconds: 1,
} as const satisfies TenantSettings
