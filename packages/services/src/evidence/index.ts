export { exportEvidencePack, type EvidenceSettings, type ExportedEvidencePack } from './export-pack.ts'
export { collectEvidence } from './collect.ts'
export { renderEvidencePdf } from './evidence-pdf.ts'
export {
  collectFleetReport,
  exportFleetReport,
  fleetReportCsv,
  type ExportedFleetReport,
  type FleetReportFormat,
} from './fleet.ts'
export { renderFleetPdf } from './fleet-pdf.ts'
export { MAX_PERIOD_DAYS, periodQuerySchema, resolvePeriod, type Period, type PeriodQuery } from './period.ts'
