// Lua for the per-tenant locks (see tenant-lock.ts). Every lock of a deployment is one field of one Redis
// hash: field = customer id, value = `<token>|<expires at, ms since epoch by Redis's own clock>`. A field whose
// expiry has passed is free. Each script reads all of its fields with one HMGET and writes with one HSET or
// HDEL, so taking, renewing or releasing a whole batch of tenants costs the same few Redis commands as one
// tenant (Redis counts the commands a script runs; one key per tenant made a batch cost three per tenant).
//
// KEYS[1] = the hash; ARGV[1] = the holder's token; ARGV[2] = ttl in ms (acquire/renew);
// the customer ids follow.

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`

const SPLIT = `local function split(value)
  if not value then return nil, 0 end
  local token, expires = string.match(value, '^(.*)|(%d+)$')
  return token, tonumber(expires) or 0
end`

/** The fields asked for, their current values, and the value this holder writes (token and new expiry). */
const READ_FOR_WRITE = `local ids = { unpack(ARGV, 3) }
local current = redis.call('HMGET', KEYS[1], unpack(ids))
local value = ARGV[1] .. '|' .. (now + tonumber(ARGV[2]))`

/** One HSET for every field the script takes or extends. */
const WRITE = `if #writes > 0 then redis.call('HSET', KEYS[1], unpack(writes)) end`

/** Takes every free (absent or expired) field; returns '' for taken, else the current holder's token. */
export const ACQUIRE = `${NOW}
${SPLIT}
${READ_FOR_WRITE}
local out, writes = {}, {}
for i, id in ipairs(ids) do
  local token, expires = split(current[i])
  if token == nil or expires <= now then
    out[i] = ''
    writes[#writes + 1] = id
    writes[#writes + 1] = value
  else
    out[i] = token
  end
end
${WRITE}
return out`

/** Extends the fields still holding this token; returns the 1-based positions of those it lost. */
export const RENEW = `${NOW}
${SPLIT}
${READ_FOR_WRITE}
local lost, writes = {}, {}
for i, id in ipairs(ids) do
  local token = split(current[i])
  if token == ARGV[1] then
    writes[#writes + 1] = id
    writes[#writes + 1] = value
  else
    lost[#lost + 1] = i
  end
end
${WRITE}
return lost`

/** Deletes the fields still holding this token (ARGV[2] is unused, kept so every script has one shape). */
export const RELEASE = `${SPLIT}
local ids = { unpack(ARGV, 3) }
local current = redis.call('HMGET', KEYS[1], unpack(ids))
local mine = {}
for i, id in ipairs(ids) do
  if split(current[i]) == ARGV[1] then mine[#mine + 1] = id end
end
if #mine > 0 then redis.call('HDEL', KEYS[1], unpack(mine)) end
return #mine`

/** The current holder's token of one field, or false when free (absent or expired). */
export const HOLDER = `${NOW}
${SPLIT}
local token, expires = split(redis.call('HGET', KEYS[1], ARGV[1]))
if token == nil or expires <= now then return false end
return token`

/**
 * Deletes the expired fields among one HSCAN step of the hash. A field is only rewritten by its next holder
 * (ACQUIRE) or deleted by its own holder (RELEASE), so a crashed holder's field for a tenant nobody locks
 * again (offboarded, deleted) would stay forever: this sweep is what bounds the hash to the locks in use.
 * ARGV[1] = the HSCAN cursor, ARGV[2] = the COUNT hint. Returns { next cursor, fields deleted }; the expiry is
 * compared with Redis's clock, so a live lock is never swept whatever the workers' clocks say.
 */
export const SWEEP_EXPIRED = `${NOW}
${SPLIT}
local scan = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))
local pairs_, expired = scan[2], {}
for i = 1, #pairs_, 2 do
  local _, expires = split(pairs_[i + 1])
  if expires <= now then expired[#expired + 1] = pairs_[i] end
end
if #expired > 0 then redis.call('HDEL', KEYS[1], unpack(expired)) end
return { scan[1], #expired }`
