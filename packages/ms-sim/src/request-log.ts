// Bounded request log (ring buffer): the simulator must stay fast under benchmarks, so old entries are
// overwritten once the cap is reached.
export interface RequestLogEntry {
  seq: number
  time: string
  origin: 'login' | 'graph'
  tenant: string | null
  clientId: string | null
  method: string
  path: string
  status: number
  durationMs: number
  /** The request arrived before a Retry-After previously given to the same app+tenant had elapsed. */
  early: boolean
  /** Fault applied to this request, if any (latency, throttle, error, reset, replication...). */
  fault: string | null
  /**
   * For one request of a JSON batch: the `request-id` of the `POST /v1.0/$batch` that carried it. Null for a
   * request that came over HTTP itself (the batch envelope included).
   */
  batch: string | null
}

export interface RequestLogFilter {
  sinceSeq?: number
  tenant?: string
  origin?: string
  /** Only requests that came over HTTP (leaves out the requests inside a JSON batch). */
  http?: boolean
  limit?: number
}

export class RequestLog {
  private buf: (RequestLogEntry | undefined)[]
  private next = 0
  private seq = 0

  constructor(private cap: number) {
    this.buf = new Array<RequestLogEntry | undefined>(cap)
  }

  add(e: Omit<RequestLogEntry, 'seq'>): void {
    if (this.cap === 0) return
    this.seq += 1
    this.buf[this.next] = { seq: this.seq, ...e }
    this.next = (this.next + 1) % this.cap
  }

  /** Entries oldest first, optionally filtered. */
  list(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const out: RequestLogEntry[] = []
    for (let i = 0; i < this.cap; i++) {
      const e = this.buf[(this.next + i) % this.cap]
      if (!e) continue
      if (filter.sinceSeq !== undefined && e.seq <= filter.sinceSeq) continue
      if (filter.tenant && e.tenant !== filter.tenant.toLowerCase()) continue
      if (filter.origin && e.origin !== filter.origin) continue
      if (filter.http === true && e.batch !== null) continue
      out.push(e)
    }
    return filter.limit !== undefined && out.length > filter.limit
      ? out.slice(out.length - filter.limit)
      : out
  }

  get lastSeq(): number {
    return this.seq
  }

  clear(): void {
    this.buf = new Array<RequestLogEntry | undefined>(this.cap)
    this.next = 0
  }
}
