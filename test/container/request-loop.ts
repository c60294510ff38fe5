// The container check's steady request loop (scripts/container-check.sh): GET <path> on the API replicas
// round-robin, each request on a fresh connection, until SIGTERM; then prints "<sent> sent, <dropped> dropped"
// and exits 1 if any request was dropped. A connection the replica refuses or resets before answering is
// tried on the next replica, as a load balancer does with an idempotent request; a request that got no
// complete answer, or an answer other than 2xx, is dropped.
// Usage: tsx test/container/request-loop.ts <path> <base URL>…
import { request } from 'node:http'

const [path = '/healthz', ...bases] = process.argv.slice(2)
const CONCURRENCY = 4
let sent = 0
let dropped = 0
let stopping = false
const retryable = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE'])

function get(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume()
      res.on('end', () => {
        resolve(res.statusCode ?? 0)
      })
      res.on('error', reject)
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

async function once(turn: number): Promise<void> {
  sent += 1
  for (let attempt = 0; attempt < bases.length * 20; attempt += 1) {
    const base = bases[(turn + attempt) % bases.length] ?? ''
    try {
      const status = await get(base)
      if (status < 200 || status >= 300) {
        dropped += 1
        process.stderr.write(`${base}: answered ${String(status)}\n`)
      }
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (!retryable.has(code)) break
      // Every replica refusing at once: wait a little (a balancer queues briefly) before the next round.
      if ((attempt + 1) % bases.length === 0) await new Promise((r) => setTimeout(r, 100))
    }
  }
  dropped += 1
  process.stderr.write(`request ${String(sent)}: no replica answered\n`)
}

async function loop(worker: number): Promise<void> {
  for (let turn = worker; !stopping; turn += CONCURRENCY) await once(turn)
}

process.once('SIGTERM', () => {
  stopping = true
})
await Promise.all(Array.from({ length: CONCURRENCY }, (_, n) => loop(n)))
process.stdout.write(`${String(sent)} sent, ${String(dropped)} dropped\n`)
process.exit(dropped === 0 && sent > 0 ? 0 : 1)
