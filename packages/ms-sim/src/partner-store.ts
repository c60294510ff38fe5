// Partner entries with Microsoft's eventual consistency: a read lags a write by the tenant's readLagSeconds
// (showing the previous value, or nothing after a create), and PATCH/DELETE answer 404 for createNotFoundSeconds
// after a Graph POST. Every write, Graph or control API, goes through writePartner so the lag applies uniformly.
import type { Json, Tenant } from './sim-model.ts'

/** What a Graph read sees now. */
export function readPartner(t: Tenant, partnerId: string, nowMs = Date.now()): Json | undefined {
  const key = partnerId.toLowerCase()
  const stale = t.stalePartners.get(key)
  if (stale) {
    if (nowMs < stale.untilMs) return stale.value ?? undefined
    t.stalePartners.delete(key)
  }
  return t.partners.get(key)
}

export function listPartners(t: Tenant, nowMs = Date.now()): Json[] {
  const keys = new Set([...t.partners.keys(), ...t.stalePartners.keys()])
  const out: Json[] = []
  for (const k of keys) {
    const v = readPartner(t, k, nowMs)
    if (v) out.push(v)
  }
  return out
}

export function writePartner(t: Tenant, partnerId: string, value: Json | null, lagSeconds: number): void {
  const key = partnerId.toLowerCase()
  if (lagSeconds > 0) {
    const pending = t.stalePartners.get(key)
    const untilMs = Date.now() + lagSeconds * 1000
    if (pending && Date.now() < pending.untilMs) pending.untilMs = untilMs
    else t.stalePartners.set(key, { value: t.partners.get(key) ?? null, untilMs })
  } else {
    t.stalePartners.delete(key)
  }
  if (value) t.partners.set(key, value)
  else t.partners.delete(key)
}

export function markCreated(t: Tenant, partnerId: string, seconds: number): void {
  if (seconds > 0) t.freshPartners.set(partnerId.toLowerCase(), Date.now() + seconds * 1000)
}

export function isStillReplicating(t: Tenant, partnerId: string, nowMs = Date.now()): boolean {
  const key = partnerId.toLowerCase()
  const until = t.freshPartners.get(key)
  if (until === undefined) return false
  if (nowMs < until) return true
  t.freshPartners.delete(key)
  return false
}
