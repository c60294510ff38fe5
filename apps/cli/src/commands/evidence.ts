import { readFileSync, writeFileSync } from 'node:fs'
import { verifyEvidencePack } from '@crosstrust/core'
import { queryString } from '../api-client.ts'
import { CliError, EXIT } from '../errors.ts'
import { json, keyValues } from '../output.ts'
import { asJson, client, idArg, str, type CommandContext } from './context.ts'

// `evidence`, `evidence verify` and `report fleet` (docs/evidence.md). Verification is offline: it needs the
// pack and the signer's public key, nothing from the API.

/** The file name the API proposes (Content-Disposition), or a fallback. */
function proposedName(res: Response, fallback: string): string {
  const match = /filename="([^"/\\]+)"/.exec(res.headers.get('content-disposition') ?? '')
  return match?.[1] ?? fallback
}

function period(ctx: CommandContext) {
  return { from: str(ctx.values.from), to: str(ctx.values.to) }
}

/** Downloads a customer's signed evidence pack; `--pdf FILE` also writes its PDF rendering. */
export async function evidenceExport(ctx: CommandContext): Promise<void> {
  const api = await client(ctx)
  const res = await api.raw('GET', `/api/v1/customers/${idArg(ctx)}/evidence${queryString(period(ctx))}`)
  const body = await res.text()
  const file = str(ctx.values.output) ?? proposedName(res, 'crosstrust-evidence.json')
  if (file === '-') ctx.io.out(body)
  else {
    writeFileSync(file, body, { mode: 0o600 })
    ctx.io.err(`Wrote ${file}\n`)
  }
  const pdf = str(ctx.values.pdf)
  if (pdf !== undefined) {
    const pack = JSON.parse(body) as { pdf: string }
    writeFileSync(pdf, Buffer.from(pack.pdf, 'base64'), { mode: 0o600 })
    ctx.io.err(`Wrote ${pdf}\n`)
  }
}

/** Checks a pack against the signer's public key (PEM): signatures of document and PDF, and the audit slice. */
export function evidenceVerify(ctx: CommandContext): Promise<void> {
  const file = ctx.args[0]
  if (file === undefined) throw new CliError('Missing the evidence pack file.', EXIT.usage)
  const keyFile = str(ctx.values['public-key']) ?? ctx.env.CROSSTRUST_EVIDENCE_PUBLIC_KEY_FILE
  if (keyFile === undefined || keyFile === '') {
    throw new CliError(
      'Pass the signer’s public key: --public-key FILE or CROSSTRUST_EVIDENCE_PUBLIC_KEY_FILE (a key inside the pack proves nothing).',
      EXIT.usage,
    )
  }
  let pack: string
  let key: string
  try {
    pack = readFileSync(file, 'utf8')
    key = readFileSync(keyFile, 'utf8')
  } catch (err) {
    throw new CliError(`Cannot read ${(err as { path?: string }).path ?? file}.`, EXIT.usage)
  }
  let result: ReturnType<typeof verifyEvidencePack>
  try {
    result = verifyEvidencePack(pack, key)
  } catch {
    throw new CliError(`${keyFile} is not a public key (PEM).`, EXIT.usage)
  }
  if (asJson(ctx)) ctx.io.out(json(result))
  else if (result.ok) {
    ctx.io.out(
      keyValues([
        ['Evidence pack', 'valid'],
        ['Customer', `${result.customer.name} (${result.customer.id})`],
        ['Period', `${result.period.from} to ${result.period.to}`],
        ['Signed by key', result.keyId],
        ['Document SHA-256', result.documentSha256],
        ['Audit events', String(result.auditEvents)],
      ]),
    )
  } else {
    ctx.io.out(
      keyValues([
        ['Evidence pack', 'INVALID'],
        ['Problem', result.problem],
      ]),
    )
  }
  if (!result.ok) throw new CliError(`Evidence pack invalid: ${result.problem}`, EXIT.broken)
  return Promise.resolve()
}

/** The fleet report (CSV or PDF) for a period, to a file (or stdout for CSV with `--output -`). */
export async function fleetReport(ctx: CommandContext): Promise<void> {
  const format = str(ctx.values.format) ?? 'csv'
  if (format !== 'csv' && format !== 'pdf') throw new CliError('--format must be csv or pdf.', EXIT.usage)
  const api = await client(ctx)
  const res = await api.raw('GET', `/api/v1/reports/fleet${queryString({ ...period(ctx), format })}`)
  const body = Buffer.from(await res.arrayBuffer())
  const file = str(ctx.values.output) ?? proposedName(res, `crosstrust-fleet.${format}`)
  if (file === '-') {
    if (format === 'pdf')
      throw new CliError('A PDF does not go to the terminal: pass --output FILE.', EXIT.usage)
    ctx.io.out(body.toString('utf8'))
    return
  }
  writeFileSync(file, body, { mode: 0o600 })
  ctx.io.err(`Wrote ${file}\n`)
}
