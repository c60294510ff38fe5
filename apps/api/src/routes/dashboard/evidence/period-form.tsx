// Evidence downloads (docs/evidence.md): a customer's signed evidence pack on the customer page (links for the
// usual periods: a viewer's page has no forms), the fleet report on the customers page (a GET form). The
// browser downloads the answer as a file.

const DAY_MS = 86_400_000
const day = (date: Date) => date.toISOString().slice(0, 10)

/** The form's default period: the last 30 days up to today (both days included). */
export function defaultPeriod(now: Date): { from: string; to: string } {
  return { from: day(new Date(now.getTime() - 30 * DAY_MS)), to: day(now) }
}

function PeriodFields({ id, now }: { id: string; now: Date }) {
  const period = defaultPeriod(now)
  return (
    <>
      <div class="field">
        <label for={`${id}-from`}>From (UTC)</label>
        <input id={`${id}-from`} type="date" name="from" value={period.from} required />
      </div>
      <div class="field">
        <label for={`${id}-to`}>To, included (UTC)</label>
        <input id={`${id}-to`} type="date" name="to" value={period.to} required />
      </div>
    </>
  )
}

/** Download links for the usual audit periods (a custom period: the API or `crosstrust evidence`). */
export function evidencePeriods(now: Date): { label: string; from: string; to: string }[] {
  return [30, 90, 365].map((days) => ({
    label: days === 365 ? 'Last 12 months' : `Last ${String(days)} days`,
    from: day(new Date(now.getTime() - days * DAY_MS)),
    to: day(now),
  }))
}

export function EvidencePanel({ customerId, now }: { customerId: string; now: Date }) {
  return (
    <section class="panel" aria-labelledby="evidence-h">
      <h2 id="evidence-h">Evidence pack</h2>
      <p class="muted small">
        Signed file for an auditor: policy in force, onboarding record, every check, drift and who made it,
        accepted deviations, repairs, effective trust and the audit log with its hash-chain proof (JSON and
        PDF).
      </p>
      <ul class="evidence-links">
        {evidencePeriods(now).map((p) => (
          <li>
            <a
              class="button secondary"
              href={`/customers/${customerId}/evidence?from=${p.from}&to=${p.to}`}
              download
            >
              {p.label}
            </a>
          </li>
        ))}
      </ul>
      <p class="muted small">
        Other periods: <span class="mono">crosstrust evidence {customerId} --from DATE --to DATE</span>.
      </p>
    </section>
  )
}

export function FleetReportPanel({ now }: { now: Date }) {
  return (
    <details class="popover" data-action="fleet-report">
      <summary class="button secondary">Fleet report…</summary>
      <form method="get" action="/reports/fleet" class="popover-body">
        <p>
          Compliance, mean time to detect and to repair drift, open deviations and customers whose trust is
          not effective, over all customers.
        </p>
        <PeriodFields id="fleet" now={now} />
        <div class="field">
          <label for="fleet-format">Format</label>
          <select id="fleet-format" name="format">
            <option value="pdf">PDF</option>
            <option value="csv">CSV</option>
          </select>
        </div>
        <button type="submit">Download fleet report</button>
      </form>
    </details>
  )
}
