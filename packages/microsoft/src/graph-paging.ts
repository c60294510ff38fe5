// Reading a whole Graph collection: follow `@odata.nextLink` (each page through the same sender, so every
// page gets retries, Retry-After and error classification), only to the configured Graph host, and never
// more than `maxPages` pages (a link loop must end). https://learn.microsoft.com/graph/paging
import { TransientError } from './errors.ts'
import type { CallOptions, GraphResult, GraphSender } from './graph-request.ts'
import { parsePolicyPage } from './graph-responses.ts'

/** The first page of a collection, read on its own or inside a JSON batch. */
export interface FirstPage {
  path: string
  value: Record<string, unknown>[]
  nextLink: string | undefined
  requestId: string | undefined
}

/** Every item of a collection, and what reading its pages took. */
export interface Pages {
  value: Record<string, unknown>[]
  /** Of the last page read. */
  requestId: string | undefined
  /** Of the last page fetched here; undefined when the first page was the only one. */
  clientRequestId: string | undefined
  /** HTTP requests made here (the first page's are not counted). */
  attempts: number
}

export async function collectPages(
  send: GraphSender,
  graph: URL,
  tenantId: string,
  first: { path: string; filter?: string; top?: number },
  maxPages: number,
  opts: CallOptions | undefined,
): Promise<GraphResult<Record<string, unknown>[]>> {
  const page = await send(tenantId, { method: 'GET', ...first, parse: parsePolicyPage }, opts)
  const firstPage = { path: first.path, ...page.value, requestId: page.requestId }
  const rest = await followPages(send, graph, tenantId, firstPage, maxPages, opts)
  return {
    value: rest.value,
    requestId: rest.requestId,
    clientRequestId: rest.clientRequestId ?? page.clientRequestId,
    attempts: page.attempts + rest.attempts,
  }
}

/** The whole collection from its first page: every further page (each counted in `onAttempts` too). */
export async function followPages(
  send: GraphSender,
  graph: URL,
  tenantId: string,
  first: FirstPage,
  maxPages: number,
  opts: CallOptions | undefined,
  onAttempts?: (attempts: number) => void,
): Promise<Pages> {
  const items = [...first.value]
  let { nextLink: next, requestId } = first
  let clientRequestId: string | undefined
  let attempts = 0
  for (let page = 1; next !== undefined; page++) {
    // Only follow links to the Graph host we were configured with (never send the token elsewhere).
    if (!URL.canParse(next) || new URL(next).origin !== graph.origin)
      throw new TransientError(`GET ${first.path}: @odata.nextLink points to another host`)
    if (page >= maxPages) throw new TransientError(`GET ${first.path}: more than ${maxPages} pages`)
    const result = await send(
      tenantId,
      { method: 'GET', path: first.path, url: next, parse: parsePolicyPage, onAttempts },
      opts,
    )
    items.push(...result.value.value)
    attempts += result.attempts
    requestId = result.requestId
    clientRequestId = result.clientRequestId
    next = result.value.nextLink
  }
  return { value: items, requestId, clientRequestId, attempts }
}
