// A TCP port for a server that must know its address before it listens (its redirect URI is registered with
// the simulator first). `listen(0)` and close would hand out a port from the kernel's ephemeral range, where
// every outgoing connection of the test files running in parallel (PostgreSQL, Redis, the simulator) also
// takes its local port: between that close and the real listen, one of them can take it (EADDRINUSE). A port
// below the ephemeral range is only ever taken by an explicit bind, so a random one that binds now stays free.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** Linux's default lower bound of `net.ipv4.ip_local_port_range`. */
const DEFAULT_EPHEMERAL_LOW = 32_768
const SPAN = 12_000

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)
    const value = Number(low)
    return Number.isInteger(value) ? value : DEFAULT_EPHEMERAL_LOW
  } catch {
    return DEFAULT_EPHEMERAL_LOW
  }
}

/** A port the kernel picks (`listen(0)`): the fallback when no range below the ephemeral one is left. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new Error('no port'))
      })
    })
  })
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => {
      resolve(false)
    })
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true)
      })
    })
  })
}

/** A free port on 127.0.0.1 below the ephemeral range (where the host leaves room for one). */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1
  const low = Math.max(1_025, high - SPAN)
  if (high - low < 1_000) return kernelPort()
  for (let tries = 0; tries < 100; tries++) {
    const port = low + Math.floor(Math.random() * (high - low + 1))
    if (await canBind(port)) return port
  }
  throw new Error(`no free port between ${String(low)} and ${String(high)}`)
}
