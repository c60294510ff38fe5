#!/usr/bin/env bash
# `pnpm container:check` (CI runs it from .ci/run): the images and the compose stack, for real.
# Starts a Docker engine if none runs, makes the base image offline (scripts/container/base-image.sh), builds
# every target of docker/Dockerfile, runs docker/compose.yml (+ compose.secrets.yml, + compose.ci.yml: host
# networking, this run's ports, its own PostgreSQL database and roles and Redis key prefix) with the demo
# profile's simulator and two worker replicas, migrates as the owner role, waits for health, and proves:
# one onboarding in Chromium; hardened images; no tenant checked twice at once by the two workers; a worker
# killed mid-batch loses nothing; a rolling restart of the API drops no request of a steady loop.
# Each step prints `✓ container-check: …` or `✗ container-check: …`; the last line is `N passed, N failed`.
# Everything it created (containers, volumes, database, roles, Redis keys, temporary files, an engine it
# started) is removed at the end, also after a failure; the images stay as the next build's cache.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
source scripts/container/lib.sh
source scripts/container/proofs.sh

started_at=$(date +%s)
run_id="$(date +%s)$$"
work=$(mktemp -d /tmp/crosstrust-container-check.XXXXXX)
chmod 0755 "$work"
log="$work/check.log"
project="ctcheck${run_id}"
dbname="ctcheck_${run_id}"
owner_role="ctcheck_${run_id}_owner"
app_role="ctcheck_${run_id}_app"
admin_url=${CONTAINER_CHECK_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
export CI_REDIS_URL=${CONTAINER_CHECK_REDIS_URL:-redis://127.0.0.1:6379}
export CI_QUEUE_PREFIX="ctcheck_${run_id}"
# The image tag: the package version and the commit (unchanged sources keep the whole build cached).
export CROSSTRUST_VERSION="$(node -p 'require("./package.json").version ?? "0.0.0"')-$(git rev-parse --short HEAD 2>/dev/null || echo local)"
export CROSSTRUST_IMAGE_PREFIX=crosstrust
export CROSSTRUST_SECRETS_DIR="$work/secrets"
export COMPOSE_PROJECT_NAME="$project"
# The API and workers trust the simulator's CA from its volume (compose.yml's demo instructions).
compose_files=(-f docker/compose.yml -f docker/compose.secrets.yml -f docker/compose.ci.yml)
compose() { NODE_EXTRA_CA_CERTS=/sim/ca/ca.pem docker-compose --profile demo "${compose_files[@]}" "$@"; }

# compose.ci.yml needs these set; prepare_run gives them this run's values.
export CI_API_PORT=0 CI_SIM_LOGIN_PORT=0 CI_SIM_GRAPH_PORT=0 CI_SIM_SEED=/dev/null
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "── container check (log: $log) ──"
step "Docker engine running" ensure_engine || finish
step "base image (Debian bookworm + Node $(node -v), offline)" scripts/container/base-image.sh "$work/base" || finish
for target in api worker migrate sim; do
  step "image $target built" build_image "$target" || finish
done
image_sizes
step "images hardened (non-root, labels, healthcheck, no dev dependencies)" check_images

# This run's ports, database, secrets and simulator seed.
read -r CI_API_PORT CI_API_PORT_B CI_SIM_LOGIN_PORT CI_SIM_GRAPH_PORT < <(free_ports 4)
export CI_API_PORT CI_SIM_LOGIN_PORT CI_SIM_GRAPH_PORT
export PUBLIC_BASE_URL="http://127.0.0.1:${CI_API_PORT}"
export MS_LOGIN_URL="https://127.0.0.1:${CI_SIM_LOGIN_PORT}" MS_GRAPH_URL="https://127.0.0.1:${CI_SIM_GRAPH_PORT}"
export APP_CLIENT_ID=5e0c2a71-8c1b-4f3d-9a6e-2b7d4c1f8a90 STAFF_CLIENT_ID=c7a9e3b2-4d6f-4a1b-8e2c-9f0d1a3b5c7e
step "database, roles and secrets of this run" prepare_run || finish
step "compose configuration of this run (host network: published ports dropped)" resolve_compose || finish

step "migrations applied by the owner role (migrate job)" compose run --rm --no-deps migrate || finish
# The API and workers read the simulator's CA (NODE_EXTRA_CA_CERTS) when they start: the simulator goes first.
step "simulator started (demo profile)" compose up -d --no-deps sim || finish
step "simulator's CA written" fetch_sim_ca || finish
step "API and 2 workers started" compose up -d --no-deps --scale worker=2 api worker || finish
step "API healthy (/readyz, Docker health status)" wait_healthy "$(compose ps -q api)" "$PUBLIC_BASE_URL" || finish
step "workers running as 2 replicas" test "$(compose ps -q worker | wc -l)" -eq 2
step "API and workers run non-root on a read-only root filesystem" check_containers
step "onboarding in Chromium through the containers" walk_onboarding
step "2 workers: 30 due tenants checked, none twice at once" fleet_without_overlap
step "worker killed mid-batch (docker kill): every due tenant still checked" fleet_survives_kill
step "rolling restart of the API: a steady request loop loses no request" rolling_restart
finish
