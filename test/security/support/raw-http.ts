// A raw HTTP/1.1 client over a TCP socket: sends the request line and headers byte for byte (CRLF, NUL,
// invalid UTF-8 and unencoded characters included, which fetch and node:http refuse or normalise) from a
// chosen loopback source address, so a fuzzing run can spread over many client IPs and stay under the
// per-IP rate limits it is not testing.
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  /** Header names lower-cased; repeated headers joined with ', ' (set-cookie kept apart). */
  headers: Record<string, string>
  setCookies: string[]
  rawHead: string
  body: string
}

export interface RawRequest {
  method: string
  /** The request target exactly as sent (no encoding applied). */
  target: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Loopback source address (127.0.0.0/8). */
  from?: string
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = []
  let offset = 0
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset)
    if (lineEnd < 0) break
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
    offset = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}

export function parseResponse(data: Buffer): RawResponse {
  const headEnd = data.indexOf('\r\n\r\n')
  const rawHead = data.subarray(0, headEnd < 0 ? data.length : headEnd).toString('latin1')
  const [statusLine = '', ...lines] = rawHead.split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0)
  const headers: Record<string, string> = {}
  const setCookies: string[] = []
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'set-cookie') setCookies.push(value)
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  let body = headEnd < 0 ? Buffer.alloc(0) : data.subarray(headEnd + 4)
  if ((headers['transfer-encoding'] ?? '').includes('chunked')) body = dechunk(body)
  return { status, headers, setCookies, rawHead, body: body.toString('utf8') }
}

export function rawRequest(port: number, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const body = req.body === undefined ? undefined : Buffer.from(req.body)
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    connection: 'close',
    ...(body === undefined ? {} : { 'content-length': String(body.length) }),
    ...req.headers,
  }
  const head = Buffer.from(
    `${req.method} ${req.target} HTTP/1.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n',
    'latin1',
  )
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect({
      host: '127.0.0.1',
      port,
      ...(req.from === undefined ? {} : { localAddress: req.from }),
    })
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(new Error(`timeout after ${timeoutMs} ms: ${req.method} ${req.target.slice(0, 80)}`))
    })
    socket.on('connect', () => {
      socket.write(body === undefined ? head : Buffer.concat([head, body]))
    })
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      resolve(parseResponse(Buffer.concat(chunks)))
    })
  })
}

/** Round-robin loopback source addresses 127.0.<a>.<b>, one per request, skipping reserved ones. */
export function addressPool(thirdOctet: number, size = 250): () => string {
  let next = 0
  return () => {
    const host = (next % size) + 2
    next += 1
    return `127.0.${thirdOctet}.${host}`
  }
}
