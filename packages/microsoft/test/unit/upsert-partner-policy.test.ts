// The upsert's edge paths (reads lagging writes) with a small in-memory partner store standing in for
// the gateway. The main paths run against the simulator in test/integration.
import { describe, expect, it, vi } from 'vitest'
import { ConflictError, NotFoundError } from '../../src/errors.ts'
import type { GraphPartner, GraphPartnerBody, GraphResult } from '../../src/graph-gateway.ts'
import {
  readBackDelay,
  readBackUntil,
  upsertPartnerPolicy,
  type PartnerPolicyGateway,
} from '../../src/upsert-partner-policy.ts'

const T = 'customer'
const P = 'partner'

class LaggingStore implements PartnerPolicyGateway {
  entry: GraphPartner | null = null
  /** Number of upcoming GETs that still answer 404 although the entry exists. */
  staleReads = 0
  stalePatches = 0
  conflictOnPost = false
  calls: string[] = []
  #n = 0

  #result<T>(value: T): GraphResult<T> {
    this.#n += 1
    return { value, requestId: `r${this.#n}`, clientRequestId: 'c', attempts: 1 }
  }

  getPartner(): Promise<GraphResult<GraphPartner | null>> {
    this.calls.push('GET')
    if (this.staleReads > 0) {
      this.staleReads -= 1
      return Promise.resolve(this.#result(null))
    }
    return Promise.resolve(this.#result(this.entry))
  }
  createPartner(_t: string, body: GraphPartnerBody): Promise<GraphResult<GraphPartner>> {
    this.calls.push('POST')
    if (this.conflictOnPost || this.entry !== null) {
      return Promise.reject(
        new ConflictError('exists', {
          status: 409,
          code: 'Request_MultipleObjectsWithSameKeyValue',
          requestId: 'r409',
        }),
      )
    }
    this.entry = { tenantId: P, ...body }
    return Promise.resolve(this.#result(this.entry))
  }
  updatePartner(_t: string, _p: string, body: GraphPartnerBody): Promise<GraphResult<null>> {
    this.calls.push('PATCH')
    if (this.stalePatches > 0 || this.entry === null) {
      this.stalePatches -= 1
      return Promise.reject(new NotFoundError('not yet', { status: 404, requestId: 'r404' }))
    }
    this.entry = { ...this.entry, ...body }
    return Promise.resolve(this.#result(null))
  }
  deletePartner(): Promise<GraphResult<'deleted' | 'absent'>> {
    this.calls.push('DELETE')
    const existed = this.entry !== null
    this.entry = null
    return Promise.resolve(this.#result(existed ? 'deleted' : 'absent'))
  }
}

const desired = { inboundTrust: { isMfaAccepted: true } }
const options = {
  createBody: { tenantId: P, ...desired },
  patchBodyFor: (observed: GraphPartner) =>
    JSON.stringify(observed['inboundTrust']) === JSON.stringify(desired.inboundTrust) ? null : desired,
  lagRetry: { attempts: 4, delayMs: 5 },
}

describe('upsertPartnerPolicy (lag paths)', () => {
  it('409 on POST while reads still lag: polls GET until visible, then PATCHes', async () => {
    const store = new LaggingStore()
    store.entry = { tenantId: P, inboundTrust: { isMfaAccepted: false } }
    store.staleReads = 2 // the first GET and the first re-read miss it
    const result = await upsertPartnerPolicy(store, T, P, options)
    expect(store.calls).toEqual(['GET', 'POST', 'GET', 'GET', 'PATCH'])
    expect(result.outcome).toBe('patched')
    expect(result.conflictOnCreate).toBe(true)
    expect(result.before).toEqual({ tenantId: P, inboundTrust: { isMfaAccepted: false } })
    expect(result.requestIds).toContain('r409')
    expect(store.entry['inboundTrust']).toEqual(desired.inboundTrust)
  })

  it('409 and never visible: PATCHes the full desired state (without the key), retrying 404s', async () => {
    const store = new LaggingStore()
    store.conflictOnPost = true
    store.staleReads = 100
    store.entry = { tenantId: P }
    store.stalePatches = 2
    const result = await upsertPartnerPolicy(store, T, P, options)
    expect(result.outcome).toBe('patched')
    expect(result.patch).toEqual(desired)
    expect(store.calls.filter((c) => c === 'PATCH')).toHaveLength(3)
  })

  it('gives up on PATCH 404 after the configured attempts', async () => {
    const store = new LaggingStore()
    store.entry = { tenantId: P }
    store.stalePatches = 10
    await expect(upsertPartnerPolicy(store, T, P, options)).rejects.toBeInstanceOf(NotFoundError)
    expect(store.calls.filter((c) => c === 'PATCH')).toHaveLength(4)
  })

  it('an empty patch body counts as unchanged', async () => {
    const store = new LaggingStore()
    store.entry = { tenantId: P, x: 1 }
    const result = await upsertPartnerPolicy(store, T, P, { ...options, patchBodyFor: () => ({}) })
    expect(result.outcome).toBe('unchanged')
    expect(store.calls).toEqual(['GET'])
  })
})

describe('readBackUntil', () => {
  it('polls until the predicate holds', async () => {
    const store = new LaggingStore()
    store.entry = { tenantId: P, ok: true }
    store.staleReads = 2
    const result = await readBackUntil(store, T, P, (p) => p?.['ok'] === true, { attempts: 5, delayMs: 5 })
    expect(result).toMatchObject({ matched: true, attempts: 3 })
    expect(result.requestIds).toHaveLength(3)
  })

  it('waits a fixed delay, or doubles it up to a cap when one is given', () => {
    const waits = (options: { delayMs: number; maxDelayMs?: number }) =>
      [1, 2, 3, 4, 5].map((n) => readBackDelay(options, n))
    expect(waits({ delayMs: 2_000 })).toEqual([2_000, 2_000, 2_000, 2_000, 2_000])
    expect(waits({ delayMs: 500, maxDelayMs: 4_000 })).toEqual([500, 1_000, 2_000, 4_000, 4_000])
  })

  it('keeps to a schedule counted from the call: a read’s own time does not push the next one later', async () => {
    vi.useFakeTimers()
    try {
      const start = Date.now()
      const readsAt: number[] = []
      const slowStore = {
        getPartner: async (): Promise<GraphResult<GraphPartner | null>> => {
          readsAt.push(Date.now() - start)
          await new Promise((resolve) => setTimeout(resolve, 50))
          return { value: null, requestId: 'r', clientRequestId: 'c', attempts: 1 }
        },
      }
      const done = readBackUntil(slowStore, T, P, () => false, { attempts: 4, delayMs: 100, maxDelayMs: 400 })
      await vi.advanceTimersByTimeAsync(2_000)
      await expect(done).resolves.toMatchObject({ matched: false, attempts: 4 })
      // Waits of 100, 200 and 400 ms from the call; waiting after each 50 ms read would give 0, 150, 400, 850.
      // (sleepAtLeast may add a millisecond so that a timer never fires early.)
      const targets = [0, 100, 300, 700]
      expect(readsAt).toHaveLength(4)
      readsAt.forEach((at, i) => {
        expect(at - (targets[i] ?? 0)).toBeGreaterThanOrEqual(0)
        expect(at - (targets[i] ?? 0)).toBeLessThanOrEqual(2)
      })
    } finally {
      vi.useRealTimers()
    }
  })

  it('never waits less than delayMs, whatever the cap', () => {
    expect(readBackDelay({ delayMs: 500, maxDelayMs: 100 }, 1)).toBe(500)
    expect(readBackDelay({ delayMs: 500, maxDelayMs: 100 }, 3)).toBe(500)
  })

  it('reports the last value when it never matches', async () => {
    const store = new LaggingStore()
    store.entry = { tenantId: P, ok: false }
    const result = await readBackUntil(store, T, P, (p) => p?.['ok'] === true, { attempts: 2, delayMs: 5 })
    expect(result).toMatchObject({ matched: false, attempts: 2, value: { tenantId: P, ok: false } })
  })
})
