// Each command: what it sends to the JSON API and how it prints the answer (table by default, --json raw).
// One file per group under commands/.
export type { CommandContext } from './commands/context.ts'
export { customersAdd, customersList, customersShow } from './commands/customers.ts'
export { apply, link, offboard, recheck } from './commands/customer-actions.ts'
export { auditVerify, exportCsv } from './commands/audit-export.ts'
export { evidenceExport, evidenceVerify, fleetReport } from './commands/evidence.ts'
export { login, logout, whoami } from './commands/session.ts'
