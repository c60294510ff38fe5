import { createWriteStream } from 'node:fs'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { queryString } from '../api-client.ts'
import { CliError, EXIT } from '../errors.ts'
import { json, keyValues } from '../output.ts'
import { asJson, client, filterQuery, str, type CommandContext } from './context.ts'

// `audit verify` and `export`: the audit chain's check and the customers CSV.

type AuditChainResult =
  | { ok: true; count: number; headSeq: string | null; headHash: string }
  | {
      ok: false
      count: number
      break: {
        kind: string
        seq: string
        id: string | null
        expected: string
        found: string
        message: string
      }
    }

/** Prints the chain's length and head hash (keep it: it anchors the trail outside the database). */
export async function auditVerify(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const anchor = str(ctx.values.anchor)
  const path =
    anchor === undefined
      ? '/api/v1/audit/verify'
      : `/api/v1/audit/verify?anchor=${encodeURIComponent(anchor)}`
  const result = await api.json<AuditChainResult>('GET', path)
  if (asJson(ctx)) ctx.io.out(json(result))
  else if (result.ok) {
    ctx.io.out(
      keyValues([
        ['Audit chain', 'intact'],
        ['Events', String(result.count)],
        ['Head position', result.headSeq],
        ['Head hash', result.headHash],
        ['Anchor', result.headSeq === null ? '-' : `${result.headSeq}:${result.headHash}`],
      ]),
    )
  } else {
    ctx.io.out(
      keyValues([
        ['Audit chain', 'BROKEN'],
        ['Verified events', String(result.count)],
        ['Broken at position', result.break.seq],
        ['Row', result.break.id],
        ['Kind', result.break.kind],
        ['Expected', result.break.expected],
        ['Found', result.break.found],
      ]),
    )
  }
  if (!result.ok) throw new CliError(`Audit chain broken: ${result.break.message}`, EXIT.broken)
}

export async function exportCsv(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const res = await api.raw('GET', `/api/v1/customers/export.csv${queryString(filterQuery(ctx))}`)
  if (!res.body) throw new CliError('The API sent no CSV.')
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
  const file = str(ctx.values.output)
  if (file !== undefined && file !== '-') {
    await pipeline(source, createWriteStream(file, { mode: 0o600 }))
    ctx.io.err(`Wrote ${file}\n`)
    return
  }
  await pipeline(
    source,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        ctx.io.out(chunk.toString('utf8'))
        done()
      },
    }),
  )
}
