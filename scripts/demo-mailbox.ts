// The demo's SMTP catcher: a real SMTP server on loopback (smtp-server) that accepts every message the
// worker sends and writes it, as received, to `<dir>/<time>-<n>.eml` (open it with any mail client, or read
// it as text). Nothing leaves the machine.
import { mkdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'

export interface DemoMailbox {
  url: string
  dir: string
  close(): Promise<void>
}

export async function startDemoMailbox(dir: string): Promise<DemoMailbox> {
  mkdirSync(dir, { recursive: true })
  let count = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        count += 1
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${count}.eml`
        writeFile(join(dir, name), Buffer.concat(chunks)).then(
          () => {
            process.stdout.write(`Mail received: ${join(dir, name)}\n`)
            callback()
          },
          (err: unknown) => {
            callback(err instanceof Error ? err : new Error(String(err)))
          },
        )
      })
    },
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve((server.server.address() as AddressInfo).port)
    })
  })
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}
