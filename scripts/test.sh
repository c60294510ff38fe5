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

# The evidence tests render PDFs to PNG (pdftoppm) and extract their text (pdftotext): Debian's poppler-utils.
if ! command -v pdftoppm >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "› installing Debian poppler-utils for the evidence PDF tests"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "! poppler-utils is missing: install Debian's poppler-utils package (the PDF tests need pdftoppm)" >&2
  fi
fi

bash scripts/bootstrap.sh
exec pnpm --silent check
