// Reading the body of `POST /v1.0/$batch` as Microsoft documents it (https://learn.microsoft.com/graph/json-batching):
// `{ requests: [{ id, method, url, headers?, body?, dependsOn? }] }`, at most 20 requests, unique ids, urls
// relative to the version. Anything else is a 400 BadRequest for the whole batch (the wording is ours).

export const MAX_BATCH_REQUESTS = 20
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])

export interface BatchItemRequest {
  id: string
  method: string
  /** Path and query under `/v1.0/`, normalised (no dot segments). */
  url: string
  /** Lower-cased names. */
  headers: Record<string, string>
  body: unknown
}

export type EnvelopeReading = { ok: true; items: BatchItemRequest[] } | { ok: false; message: string }

const refuse = (message: string): EnvelopeReading => ({ ok: false, message })

export function readBatchEnvelope(body: unknown): EnvelopeReading {
  const requests = isRecord(body) ? body.requests : undefined
  if (!Array.isArray(requests)) return refuse('Invalid batch payload format.')
  if (requests.length === 0) return refuse('The batch request must contain at least one request.')
  if (requests.length > MAX_BATCH_REQUESTS)
    return refuse(`The batch request exceeds the limit of ${String(MAX_BATCH_REQUESTS)} requests.`)
  const items: BatchItemRequest[] = []
  const ids = new Set<string>()
  for (const raw of requests) {
    const item = readItem(raw)
    if (!item.ok) return item
    if (ids.has(item.value.id)) return refuse(`Duplicate request id '${item.value.id}' in the batch.`)
    ids.add(item.value.id)
    items.push(item.value)
  }
  return { ok: true, items }
}

function readItem(raw: unknown): { ok: true; value: BatchItemRequest } | { ok: false; message: string } {
  if (!isRecord(raw)) return { ok: false, message: 'Invalid batch payload format.' }
  const { id, method, url } = raw
  if (typeof id !== 'string' || id === '')
    return { ok: false, message: 'Each request of a batch needs a string id.' }
  if (typeof method !== 'string' || !METHODS.has(method.toUpperCase()))
    return { ok: false, message: `Request id : ${id} has an unsupported method '${String(method)}'.` }
  if (raw.dependsOn !== undefined)
    return {
      ok: false,
      message: `Request id : ${id} uses dependsOn, which the simulator does not support: send dependent requests in separate batches.`,
    }
  const path = typeof url === 'string' ? versionRelative(url) : null
  if (path === null)
    return {
      ok: false,
      message: `Request id : ${id} has an invalid url '${String(url)}': it must be relative to /v1.0.`,
    }
  const headers = readHeaders(raw.headers)
  if (headers === null) return { ok: false, message: `Request id : ${id} has invalid headers.` }
  if (raw.body !== undefined && headers['content-type'] === undefined)
    return { ok: false, message: `Write request id : ${id} does not contain Content-Type header or body.` }
  return { ok: true, value: { id, method: method.toUpperCase(), url: path, headers, body: raw.body } }
}

/**
 * `/v1.0/` + the url, with dot segments resolved; null when the url is absolute, leaves `/v1.0/` (`../beta`,
 * or the simulator's own `/_sim/`), or is itself a batch.
 */
function versionRelative(url: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.includes('\\')) return null
  const resolved = new URL(`/v1.0/${url.replace(/^\//, '')}`, 'https://graph.invalid')
  if (!resolved.pathname.startsWith('/v1.0/')) return null
  if (/\/\$batch(\/|$)/i.test(resolved.pathname)) return null
  return resolved.pathname + resolved.search
}

function readHeaders(raw: unknown): Record<string, string> | null {
  if (raw === undefined) return {}
  if (!isRecord(raw)) return null
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') return null
    out[name.toLowerCase()] = value
  }
  return out
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
