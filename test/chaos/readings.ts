// What the chaos suite reads back from PostgreSQL: progress, convergence and the end state. One connection
// that survives the PostgreSQL restart (a failed query reconnects before rethrowing).
import pg from 'pg'

export class ChaosDb {
  #client: pg.Client | undefined

  constructor(private readonly url: string) {}

  async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = this.#client ?? (await this.#connect())
    try {
      return (await client.query<T>(text, values)).rows
    } catch (err) {
      // After the PostgreSQL restart: a fresh connection for the next query.
      this.#client = undefined
      await client.end().catch(() => undefined)
      throw err
    }
  }

  /** The live connection (seeding helpers take a pg client). */
  async connection(): Promise<pg.Client> {
    return this.#client ?? (await this.#connect())
  }

  async close(): Promise<void> {
    await this.#client?.end().catch(() => undefined)
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url })
    client.on('error', () => undefined) // the PostgreSQL restart ends this connection; we reconnect
    await client.connect()
    this.#client = client
    return client
  }

  /** Onboarded customers plus re-check customers with a real (not skipped) check. */
  async workDone(): Promise<number> {
    const [row] = await this.query<{ done: number }>(
      `SELECT (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-onboard-%' AND onboarding_state = 'onboarded')
            + (SELECT count(DISTINCT r.customer_id)::int FROM check_runs r JOIN customers c ON c.id = r.customer_id
               WHERE c.name LIKE 'chaos-recheck-%' AND r.kind = 'check' AND r.outcome <> 'skipped') AS done`,
    )
    return row?.done ?? 0
  }

  /** Where convergence stands: onboardings finished or failed, re-checks done since `since`, compliant. */
  async convergence(since: Date) {
    const [row] = await this.query<{ onboarded: number; failed: number; checked: number; compliant: number }>(
      `SELECT
         (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-onboard-%' AND onboarding_state = 'onboarded') AS onboarded,
         (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-onboard-%' AND onboarding_state = 'failed') AS failed,
         (SELECT count(DISTINCT r.customer_id)::int FROM check_runs r JOIN customers c ON c.id = r.customer_id
           WHERE c.name LIKE 'chaos-recheck-%' AND r.kind = 'check' AND r.outcome IN ('compliant', 'remediated')
             AND r.started_at >= $1) AS checked,
         (SELECT count(*)::int FROM customers WHERE name LIKE 'chaos-recheck-%' AND compliance_state = 'compliant') AS compliant`,
      [since],
    )
    return row ?? null
  }

  /** Every chaos customer's states, the runs by kind and outcome, and the steps of any stuck onboarding. */
  async customerEndState() {
    const customers = await this.query<{
      name: string
      tenant_id: string | null
      onboarding_state: string
      compliance_state: string
    }>(
      `SELECT name, tenant_id::text AS tenant_id, onboarding_state::text, compliance_state::text
       FROM customers WHERE name LIKE 'chaos-%'`,
    )
    const outcomes = await this.query<{ kind: string; outcome: string; n: number }>(
      `SELECT r.kind::text, r.outcome::text, count(*)::int AS n FROM check_runs r
       JOIN customers c ON c.id = r.customer_id WHERE c.name LIKE 'chaos-%' GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    const stuckSteps = await this.query<{
      name: string
      step: string
      status: string
      message: string | null
    }>(
      `SELECT c.name, s.step::text, s.status::text, s.message FROM onboarding_steps s
       JOIN customers c ON c.id = s.customer_id
       WHERE c.name LIKE 'chaos-%' AND c.onboarding_state <> 'onboarded' ORDER BY c.name, s.started_at LIMIT 20`,
    )
    return {
      customers,
      outcomes: Object.fromEntries(outcomes.map((o) => [`${o.kind}:${o.outcome}`, o.n])),
      stuckSteps,
    }
  }

  /** Onboarded customers missing one of `required` audit actions. */
  async onboardingAuditGaps(required: readonly string[]): Promise<string[]> {
    const rows = await this.query<{ id: string; actions: string[] | null }>(
      `SELECT c.id::text AS id, array_agg(DISTINCT a.action) FILTER (WHERE a.action IS NOT NULL) AS actions
       FROM customers c LEFT JOIN audit_events a ON a.customer_id = c.id
       WHERE c.name LIKE 'chaos-onboard-%' GROUP BY c.id`,
    )
    return rows.filter((r) => !required.every((a) => r.actions?.includes(a))).map((r) => r.id)
  }

  /** Remediated re-check runs, and those without their `policy.remediated` audit event. */
  async remediationAudit() {
    const remediated = await this.query<{ id: string; audited: boolean }>(
      `SELECT r.id::text AS id, EXISTS (SELECT 1 FROM audit_events a
         WHERE a.action = 'policy.remediated' AND a.entity_id = r.id::text) AS audited
       FROM check_runs r JOIN customers c ON c.id = r.customer_id
       WHERE c.name LIKE 'chaos-recheck-%' AND r.outcome = 'remediated'`,
    )
    return { remediated: remediated.length, unaudited: remediated.filter((r) => !r.audited).map((r) => r.id) }
  }

  /** Tenants of re-check customers with a write-ahead `policy.repair_started` audit event. */
  async tenantsWithRepairIntent(): Promise<Set<string>> {
    const rows = await this.query<{ tenant_id: string }>(
      `SELECT DISTINCT c.tenant_id::text AS tenant_id FROM audit_events a JOIN customers c ON c.id = a.customer_id
       WHERE a.action = 'policy.repair_started' AND c.name LIKE 'chaos-recheck-%'`,
    )
    return new Set(rows.map((r) => r.tenant_id))
  }
}
