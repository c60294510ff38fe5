// The dashboard's evidence downloads: the customer page links the signed pack for the usual periods (no
// form, so a viewer's page still has none), the customers page has the fleet report form.
import { describe, expect, it } from 'vitest'
import { renderFragment } from '../src/html/render.ts'
import {
  EvidencePanel,
  FleetReportPanel,
  evidencePeriods,
} from '../src/routes/dashboard/evidence/period-form.tsx'

const now = new Date('2026-12-03T08:00:00Z')

describe('evidence downloads on the dashboard', () => {
  it('offers the last 30 and 90 days and 12 months, up to today included', () => {
    expect(evidencePeriods(now)).toEqual([
      { label: 'Last 30 days', from: '2026-11-03', to: '2026-12-03' },
      { label: 'Last 90 days', from: '2026-09-04', to: '2026-12-03' },
      { label: 'Last 12 months', from: '2025-12-03', to: '2026-12-03' },
    ])
    const html = renderFragment(<EvidencePanel customerId="c1" now={now} />)
    expect(html).toContain('href="/customers/c1/evidence?from=2026-11-03&amp;to=2026-12-03"')
    expect(html).toContain('download')
    expect(html).not.toContain('<form')
    expect(html).not.toContain('data-action')
  })

  it('has a fleet report form with the period and the format', () => {
    const html = renderFragment(<FleetReportPanel now={now} />)
    expect(html).toContain('action="/reports/fleet"')
    expect(html).toContain('name="from" value="2026-11-03"')
    expect(html).toContain('name="to" value="2026-12-03"')
    expect(html).toContain('<option value="pdf">PDF</option>')
  })
})
