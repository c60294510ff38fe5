// Records the request headers Node's fetch (undici) actually writes to the socket, via its public
// diagnostics channel: proof that a header reached the wire, independent of what our code thinks it set.
import diagnosticsChannel from 'node:diagnostics_channel'

export interface WireRequest {
  origin: string
  path: string
  headers: Map<string, string>
}

interface UndiciSendHeaders {
  request: { origin?: unknown; path?: unknown; headers?: unknown }
}

export function recordWireHeaders(): { requests: WireRequest[]; stop(): void } {
  const requests: WireRequest[] = []
  const onMessage = (message: unknown): void => {
    const { request } = message as UndiciSendHeaders
    const headers = new Map<string, string>()
    const raw = request.headers
    if (Array.isArray(raw)) {
      for (let i = 0; i + 1 < raw.length; i += 2)
        headers.set(String(raw[i]).toLowerCase(), String(raw[i + 1]))
    }
    requests.push({ origin: String(request.origin), path: String(request.path), headers })
  }
  diagnosticsChannel.subscribe('undici:client:sendHeaders', onMessage)
  return { requests, stop: () => diagnosticsChannel.unsubscribe('undici:client:sendHeaders', onMessage) }
}
