import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { freePort } from '../support/system.ts'

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

describe('demo mode (pnpm demo)', () => {
  it('migrates a fresh database, starts simulator, API and worker, and prints a consent link per customer', async () => {
    const port = await freePort()
    const database = `crosstrust_demo_test_${randomBytes(4).toString('hex')}`
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--port',
        String(port),
        '--database',
        database,
        '--exit-when-ready',
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    try {
      expect(code, stderr).toBe(0)
      const links = stdout.split('\n').filter((line) => line.startsWith('Consent link ('))
      expect(links).toHaveLength(3)
      for (const line of links) {
        expect(line).toMatch(
          new RegExp(`^Consent link \\([^)]+\\): http://127\\.0\\.0\\.1:${port}/consent/[A-Za-z0-9_-]{43}$`),
        )
      }
    } finally {
      const admin = new pg.Client({ connectionString: ADMIN_URL })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
      await admin.end()
    }
  }, 120_000)
})
