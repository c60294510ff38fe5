// The overview summary cache as the API composes it: a background recount that fails is answered with the
// older counts, so the API's log is the only place the failure shows; it must be there, with the error.
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '@crosstrust/logger'
import type { SummaryCache } from '@crosstrust/services'
import { composeSummaries } from '../src/compose.ts'

type Db = Parameters<SummaryCache['get']>[0]

describe('composeSummaries', () => {
  it('logs a failed background recount as an error with its cause, and recounts on the next request', async () => {
    const logs: string[] = []
    const logger = createLogger({
      name: 'summary-test',
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(chunk.toString('utf8'))
          done()
        },
      }),
    })
    // Just the reads a recount makes (the grouped count, the expiring links, the attention list): no customers,
    // no links; the grouped count fails while down. `counts` counts the grouped counts, one per recount.
    let down = false
    let counts = 0
    const db = {
      $queryRaw: (sql: TemplateStringsArray) => {
        const text = sql.join('?')
        if (!text.includes('GROUPING SETS'))
          return Promise.resolve(text.includes('count(DISTINCT') ? [{ n: 0n }] : [])
        counts++
        return down ? Promise.reject(new Error('connection terminated unexpectedly')) : Promise.resolve([])
      },
    } as unknown as Db
    const summaries = composeSummaries(logger)
    const t0 = new Date('2026-12-03T10:00:00.000Z')
    expect((await summaries.get(db, t0)).total).toBe(0)

    down = true
    expect(await summaries.get(db, new Date(t0.getTime() + 10_000))).toMatchObject({
      asOf: t0,
      ageSeconds: 10,
    })
    await expect.poll(() => logs.length).toBe(1)
    const line = JSON.parse(logs[0] ?? '{}') as { level: number; msg: string; err?: { message: string } }
    expect(line).toMatchObject({
      level: 50,
      msg: expect.stringContaining('recount failed') as unknown,
      err: { message: 'connection terminated unexpectedly' },
    })

    down = false
    const next = new Date(t0.getTime() + 11_000)
    await summaries.get(db, next)
    await expect.poll(async () => (await summaries.get(db, next)).asOf).toEqual(next)
    expect(counts).toBe(3)
  })
})
