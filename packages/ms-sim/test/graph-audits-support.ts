// Shared setup of the directory audit conformance tests: Contoso with instant consistency and an app that
// may write partners and read audits; the audit shape and a PageIterator walk.
import { PageIterator } from '@microsoft/microsoft-graph-client'
import type { Client, PageCollection } from '@microsoft/microsoft-graph-client'
import { instantSeedWithContoso, sim, useContosoGraph } from './helpers.ts'

export const AUDITS = '/auditLogs/directoryAudits'
export const CATEGORY = "category eq 'CrossTenantAccessSettings'"

/** What one request records and lists is checked here; read lag and 404 after a create have write-lag.test.ts. */
export function useAuditGraph(): void {
  useContosoGraph(instantSeedWithContoso, [
    'Policy.ReadWrite.CrossTenantAccess',
    'AuditLog.Read.All',
    'Directory.Read.All',
  ])
}

export type Audit = {
  id: string
  category: string
  activityDisplayName: string
  activityDateTime: string
  loggedByService: string
  result: string
  operationType: string
  initiatedBy: { app: Record<string, unknown> | null; user: Record<string, unknown> | null }
  targetResources: {
    id: string
    type: string
    modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[]
  }[]
}

export async function allPages(client: Client, first: PageCollection): Promise<Audit[]> {
  const out: Audit[] = []
  const it = new PageIterator(client, first, (item) => {
    out.push(item as Audit)
    return true
  })
  await it.iterate()
  return out
}

export const noDelay = (): void => {
  sim.state.settings = { ...sim.state.settings, auditIngestionDelaySeconds: 0 }
}
