// The hand-over from the `$batch` route to the hooks of the requests it runs through `app.inject()`: which
// envelope an injected request belongs to (for the request log) and whether that envelope came before a
// Retry-After had elapsed. The key travels in a header no client can guess: it is random and used once.
import { randomUUID } from 'node:crypto'

export const BATCH_ITEM_HEADER = 'x-ms-sim-batch-item'

export interface BatchItemOrigin {
  /** `request-id` of the `POST /v1.0/$batch` that carries the request. */
  envelopeRequestId: string
  /**
   * The envelope arrived before a Retry-After given to the same app+tenant had elapsed. Its requests share
   * the envelope's arrival: one of them answering 429 must not make its siblings look early.
   */
  early: boolean
}

export class BatchItems {
  private readonly pending = new Map<string, BatchItemOrigin>()

  /** A one-time key for the request about to be injected. */
  register(origin: BatchItemOrigin): string {
    const key = randomUUID()
    this.pending.set(key, origin)
    return key
  }

  /** The origin of an injected request, or undefined for a request that came over HTTP. */
  claim(header: string | string[] | undefined): BatchItemOrigin | undefined {
    if (typeof header !== 'string') return undefined
    const origin = this.pending.get(header)
    this.pending.delete(header)
    return origin
  }

  release(key: string): void {
    this.pending.delete(key)
  }
}
