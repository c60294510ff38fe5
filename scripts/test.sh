#!/usr/bin/env bash
# The README's test command: sets everything up on a fresh clone, then runs the full check
# (format, lint, typecheck, migrations check, all tests against the running PostgreSQL and Redis).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "› installing Debian chromium for the browser tests"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "! chromium is missing: install Debian's chromium package (browser tests need /usr/bin/chromium)" >&2
  fi
fi

bash scripts/bootstrap.sh
exec pnpm --silent check
