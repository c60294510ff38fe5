#!/usr/bin/env bash
# The README's demo command: sets everything up on a fresh clone, then runs the simulator, API and worker
# in demo mode against a freshly migrated database, and prints a consent link per demo customer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec pnpm --silent demo "$@"
