import { createServer, type IncomingHttpHeaders } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CliError, EXIT } from '../src/errors.ts'
import { main } from '../src/main.ts'
import { normaliseBaseUrl } from '../src/settings.ts'

// Every CLI request carries the staff bearer token: over plain http to another machine anyone on the path
// reads it. The API URL is checked before any request is made.

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the API URL', () => {
  it.each([
    'http://crosstrust.example.com',
    'http://10.0.0.5:3000',
    'http://192.168.1.10/',
    'http://[fd00::1]:3000',
    'http://[::ffff:127.0.0.1]:3000',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io:3000',
  ])('refuses plain http to %s', (url) => {
    const host = new URL(url).host
    expect(() => normaliseBaseUrl(url)).toThrow(
      new CliError(
        `Refusing to send credentials over plain http to ${host}: use https (http is allowed only for 127.0.0.1, ::1 and localhost).`,
        EXIT.usage,
      ),
    )
  })

  it.each([
    ['https://crosstrust.example.com/', 'https://crosstrust.example.com'],
    ['https://10.0.0.5:8443', 'https://10.0.0.5:8443'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['http://127.9.9.9:3000', 'http://127.9.9.9:3000'],
    ['http://2130706433:3000', 'http://127.0.0.1:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['http://localhost:3000/base/', 'http://localhost:3000/base'],
  ])('accepts %s', (url, normalised) => {
    expect(normaliseBaseUrl(url)).toBe(normalised)
  })

  it('fails with a usage error before any request, whatever the command', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch')
    const env = { CROSSTRUST_URL: 'http://crosstrust.example.com', CROSSTRUST_TOKEN: 'secret-token' }
    for (const argv of [['customers', 'list'], ['whoami'], ['export'], ['login']]) {
      const run = capture()
      expect(await main(argv, run.io, env)).toBe(EXIT.usage)
      expect(run.err.join('')).toBe(
        `crosstrust ${argv.join(' ')}: ` +
          'Refusing to send credentials over plain http to crosstrust.example.com: use https (http is allowed only for 127.0.0.1, ::1 and localhost).\n',
      )
    }
    const viaOption = capture()
    expect(
      await main(['customers', 'list', '--url', 'http://10.0.0.5:3000'], viaOption.io, {
        CROSSTRUST_TOKEN: 'secret-token',
      }),
    ).toBe(EXIT.usage)
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  it('still talks to an API on this machine over http (positive control)', async () => {
    const seen: IncomingHttpHeaders[] = []
    const server = createServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"nextCursor":null}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    try {
      const run = capture()
      const env = { CROSSTRUST_URL: `http://127.0.0.1:${port}`, CROSSTRUST_TOKEN: 'secret-token' }
      expect(await main(['customers', 'list', '--json'], run.io, env)).toBe(EXIT.ok)
      expect(seen.map((h) => h.authorization)).toEqual(['Bearer secret-token'])
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
