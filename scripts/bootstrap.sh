#!/usr/bin/env bash
# Makes a fresh clone runnable: pnpm 12.4.2, dependencies from the lockfile, the generated Prisma client.
# Needs Node 20 and network access to the npm registry. Idempotent: fast when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

want_pnpm=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want_pnpm" ]; then
  echo "› installing pnpm $want_pnpm"
  npm install --global --no-audit --no-fund "pnpm@$want_pnpm" >/dev/null
fi

export TURBO_TELEMETRY_DISABLED=1
echo "› installing dependencies (frozen lockfile)"
pnpm install --frozen-lockfile --reporter=silent
echo "› generating the Prisma client"
pnpm --silent db:generate >/dev/null
