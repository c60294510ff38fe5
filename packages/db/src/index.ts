// @crosstrust/db: the Prisma client for Crosstrust's PostgreSQL database (schema: /prisma/schema.prisma).
// The connection string is always passed in: this package never reads process.env.
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient, type Prisma } from './generated/prisma/client.ts'

export * from './generated/prisma/client.ts'
export { isRecordNotFound, isTransientDatabaseError, isUniqueViolation } from './errors.ts'

/** The database handle every service receives. */
export type Db = PrismaClient
/** What `db.$transaction(async (tx) => …)` hands to its callback; accept `Db | Tx` in repository helpers. */
export type Tx = Prisma.TransactionClient

export interface PrismaClientOptions {
  /** Maximum connections in this process's pool (pg default: 10). */
  poolSize?: number
  /** Fail a connection attempt after this long instead of hanging (default 10 s). */
  connectionTimeoutMillis?: number
}

/**
 * Interactive transactions (`$transaction(async (tx) => …)`): how long one may wait for a connection and how
 * long it may run. Prisma's defaults (2 s and 5 s) fail transactions that merely queued: every audited
 * transaction holds the audit chain's lock until it commits (migration `audit_hash_chain`), so a burst of
 * onboardings on a busy host waits in line for seconds. Still short enough that a stuck transaction frees its
 * connection and its locks.
 */
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 20_000 }

/**
 * A Prisma client over node-postgres (@prisma/adapter-pg): no native query engine is involved.
 * Call `$disconnect()` on shutdown to end the pool.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
  })
  return new PrismaClient({ adapter, transactionOptions: TRANSACTION_LIMITS })
}
