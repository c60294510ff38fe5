// createTestDatabase: a fresh, migrated, isolated database per call, gone after drop().
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createTestDatabase } from '../src/index.ts'

async function databaseExists(url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1)
  const admin = new pg.Client({
    connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  })
  await admin.connect()
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    return found.rowCount === 1
  } finally {
    await admin.end()
  }
}

describe('createTestDatabase', () => {
  it('clones the migrated template quickly, isolated from other clones, and drops it', async () => {
    const started = performance.now()
    const first = await createTestDatabase()
    const cloneMs = performance.now() - started
    const second = await createTestDatabase()
    try {
      expect(first.url).not.toBe(second.url)
      await first.prisma.customer.create({ data: { name: 'Only in the first database' } })
      expect(await first.prisma.customer.count()).toBe(1)
      expect(await second.prisma.customer.count()).toBe(0)
      // Generous bound for a loaded 2-core CI box; typically ~100 ms.
      expect(cloneMs).toBeLessThan(3000)
    } finally {
      await first.drop()
      await second.drop()
    }
    expect(await databaseExists(first.url)).toBe(false)
    expect(await databaseExists(second.url)).toBe(false)
  })

  it('drop() also ends connections held by the code under test', async () => {
    const db = await createTestDatabase()
    const other = new pg.Client({ connectionString: db.url })
    await other.connect()
    other.on('error', () => undefined) // the forced drop terminates this session
    await db.drop()
    expect(await databaseExists(db.url)).toBe(false)
    await other.end().catch(() => undefined)
  })
})
