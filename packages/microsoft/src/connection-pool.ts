// Keep-alive connection pools for the token endpoint and Graph. A fleet check needs a token (6 h interval,
// 1 h tokens) and a GET, each to one of two origins: re-using TLS connections saves a handshake (two round
// trips and the certificate work) on nearly every request. Node's global fetch keeps connections alive too,
// but only 4 s by default and in one process-wide pool; our own pool per client states the limits instead.
// Requests go through it with undici's `request` (pooled-request.ts).
import { Agent, type Dispatcher } from 'undici'

export interface ConnectionPoolOptions {
  /** Most connections per origin (login, Graph): bounds sockets however many checks are in flight. */
  connectionsPerOrigin?: number
  /** How long an idle connection is kept for the next request (servers may close it sooner). */
  keepAliveMs?: number
}

export const DEFAULT_CONNECTIONS_PER_ORIGIN = 256
/** Longer than the gap between checks of a busy worker; below Azure's 4-minute idle timeout for TCP. */
export const DEFAULT_KEEP_ALIVE_MS = 60_000

export type ConnectionPool = Dispatcher

export function createConnectionPool(options: ConnectionPoolOptions = {}): ConnectionPool {
  return new Agent({
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    keepAliveMaxTimeout: 10 * 60_000,
  })
}
