// Helpers of the chaos suite: worker processes it can SIGKILL, Redis FLUSHDB on its own DB index, a
// PostgreSQL restart, and the end-state checks over the simulator's request log.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import pg from 'pg'
import type { RequestLogEntry } from '@crosstrust/ms-sim'
import type { System } from '../support/system.ts'
import { spawnWorkerProcess } from '../support/worker-process.ts'

export class WorkerProcess {
  child: ChildProcess | null = null
  starts = 0
  readonly lines: string[] = []

  constructor(
    readonly name: string,
    private readonly sys: System,
    private readonly concurrency: number,
  ) {}

  start(): void {
    this.starts += 1
    const child = spawnWorkerProcess(
      this.sys,
      {
        NODE_ENV: 'production',
        DEFAULT_MODE: 'remediate',
        WORKER_CONCURRENCY: String(this.concurrency),
        // Production shapes, shortened so the suite converges within its bounded CI time: the sweep runs
        // often, failing tenants back off briefly, and an onboarding whose job was lost (consent window +
        // 120 s without a step moving) is recovered quickly.
        SWEEP_INTERVAL_SECONDS: '5',
        CHECK_BACKOFF_BASE_SECONDS: '5',
        CHECK_BACKOFF_CAP_SECONDS: '30',
        CONSENT_RETRY_WINDOW_SECONDS: '60',
      },
      'pipe',
    )
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') this.lines.push(line)
    }
    child.stdout?.on('data', keep)
    child.stderr.on('data', keep)
    this.child = child
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }
}

/** PostgreSQL major version of the local cluster (from /etc/postgresql). */
export function postgresVersion(): string {
  const versions = readdirSync('/etc/postgresql').filter((v) => /^\d+$/.test(v))
  const version = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (!version) throw new Error('no PostgreSQL cluster in /etc/postgresql')
  return version
}

/** `pg_ctlcluster <v> main restart`, then waits until the server accepts connections again. */
export async function restartPostgres(url: string): Promise<number> {
  const started = Date.now()
  const out = spawnSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', postgresVersion(), 'main', 'restart'],
    {
      encoding: 'utf8',
    },
  )
  if (out.status !== 0) throw new Error(`pg_ctlcluster failed: ${out.stderr}`)
  for (;;) {
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
      await client.query('SELECT 1')
      await client.end()
      return Date.now() - started
    } catch {
      await client.end().catch(() => undefined)
      if (Date.now() - started > 60_000) throw new Error('PostgreSQL did not come back within 60 s')
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

/**
 * Per tenant, requests (token or Graph) whose time spans overlap by more than `toleranceMs`. Every job's
 * requests are sequential (one at a time, by design), so an overlap means two jobs touched the tenant at
 * once. The log's start is derived (end − rounded duration), hence the tolerance.
 */
export function overlappingRequests(
  log: readonly RequestLogEntry[],
  tenants: ReadonlySet<string>,
  toleranceMs: number,
): string[] {
  const byTenant = new Map<string, { start: number; end: number; seq: number; what: string }[]>()
  for (const e of log) {
    if (!e.tenant || !tenants.has(e.tenant)) continue
    // The items of one JSON batch run side by side inside their batch's request, which is the one counted.
    if (e.batch !== null) continue
    const end = Date.parse(e.time)
    const list = byTenant.get(e.tenant) ?? []
    const what = `${e.origin} ${e.method} ${e.path.split('?')[0] ?? ''} ${String(e.status)}${e.fault ? ` (${e.fault})` : ''}`
    list.push({ start: end - e.durationMs, end, seq: e.seq, what })
    byTenant.set(e.tenant, list)
  }
  const problems: string[] = []
  for (const [tenant, spans] of byTenant) {
    spans.sort((a, b) => a.start - b.start)
    let latestEnd = -Infinity
    let latestSeq = 0
    let latestWhat = ''
    for (const s of spans) {
      if (s.start < latestEnd - toleranceMs) {
        problems.push(
          `${tenant}: request #${String(s.seq)} [${s.what}] overlaps #${String(latestSeq)} [${latestWhat}] by ${String(latestEnd - s.start)} ms`,
        )
      }
      if (s.end > latestEnd) {
        latestEnd = s.end
        latestSeq = s.seq
        latestWhat = s.what
      }
    }
  }
  return problems
}

/** Polls `read` (ignoring errors while the database restarts) until it returns true. */
export async function eventually(
  what: string,
  read: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: string | null = null
  while (Date.now() < deadline) {
    try {
      if (await read()) return
      lastError = null
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err)
    }
    await new Promise((r) => setTimeout(r, 1_000))
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`)
}
