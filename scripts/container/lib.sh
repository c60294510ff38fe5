# The container check's harness (sourced by scripts/container-check.sh): counted steps, the engine, the
# images, this run's database and secrets, and the cleanup.

passed=0
failed=0
engine_pid=""

# step <description> <command…>: runs the command with its output in the log; one counted line either way.
step() {
  local name=$1 t0=$SECONDS
  shift
  echo "── $name" >>"$log"
  if "$@" >>"$log" 2>&1; then
    passed=$((passed + 1))
    echo "✓ container-check: $name ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    echo "✗ container-check: $name ($((SECONDS - t0)) s); the end of its log:"
    tail -n 40 "$log" | sed 's/^/    /'
    return 1
  fi
}

# finish: the duration and the tally, then exit (the EXIT trap cleans up).
finish() {
  echo "container check took $(($(date +%s) - started_at)) s"
  echo "${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

cleanup() {
  local status=$?
  trap - EXIT
  {
    if [ -n "${COMPOSE_PROJECT_NAME:-}" ] && docker info >/dev/null 2>&1; then
      compose logs --no-color --tail=200 >"$work/compose.log" 2>&1 || true
      compose down --volumes --remove-orphans --timeout 30 || true
      docker ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r docker rm -f || true
    fi
    psql "$admin_url" -v ON_ERROR_STOP=0 -q \
      -c "DROP DATABASE IF EXISTS \"$dbname\" WITH (FORCE)" \
      -c "DROP ROLE IF EXISTS \"$app_role\"" -c "DROP ROLE IF EXISTS \"$owner_role\"" || true
    redis-cli -u "$CI_REDIS_URL" --scan --pattern "${CI_QUEUE_PREFIX}:*" | xargs -r -n 500 redis-cli -u "$CI_REDIS_URL" del || true
    if [ -n "$engine_pid" ]; then kill "$engine_pid" && wait "$engine_pid"; fi
  } >>"$log" 2>&1
  if [ "$status" -ne 0 ] && [ -n "${CONTAINER_CHECK_KEEP_LOG:-}" ]; then
    cp "$log" "$CONTAINER_CHECK_KEEP_LOG" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}

# A running engine, or dockerd started here (vfs storage, no bridge and no iptables: containers use the host's
# network), with Debian's docker.io, debootstrap and docker-compose installed when missing.
ensure_engine() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v psql >/dev/null || missing+=(postgresql-client)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" || return 1
  fi
  docker info >/dev/null 2>&1 && return 0
  dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none >"$work/dockerd.log" 2>&1 &
  engine_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  cat "$work/dockerd.log"
  return 1
}

# The shipped images get version, revision and source labels (the legacy builder adds one layer per label,
# cheap on them); the demo-only simulator image, built on the full build stage, gets none.
build_image() {
  local target=$1 labels=()
  if [ "$target" != sim ]; then
    labels=(--label "org.opencontainers.image.version=$CROSSTRUST_VERSION"
      --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
      --label "org.opencontainers.image.source=${CROSSTRUST_SOURCE_URL:-$(git config --get remote.origin.url 2>/dev/null || echo unknown)}")
  fi
  docker build --network host -f docker/Dockerfile --target "$target" \
    -t "${CROSSTRUST_IMAGE_PREFIX}-${target}:${CROSSTRUST_VERSION}" "${labels[@]}" .
}

image_sizes() {
  echo "image sizes:"
  for target in api worker migrate sim; do
    docker image inspect "${CROSSTRUST_IMAGE_PREFIX}-${target}:${CROSSTRUST_VERSION}" \
      --format "  ${target}: {{.Size}} bytes" 2>/dev/null | awk '{ printf "  %s %.0f MB\n", $1, $2 / 1000000 }'
  done
}

# n free TCP ports on 127.0.0.1, one line.
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]); const servers = []; const ports = [];
    (async () => {
      for (let i = 0; i < n; i++) {
        const s = net.createServer(); await new Promise((r) => s.listen(0, "127.0.0.1", r));
        servers.push(s); ports.push(s.address().port);
      }
      servers.forEach((s) => s.close()); console.log(ports.join(" "));
    })();' "$1"
}

# This run's database with the two roles the product expects (the owner migrates, the app role is a member
# of crosstrust_app), the secret files compose.secrets.yml mounts, and the simulator's seed.
prepare_run() {
  psql "$admin_url" -v ON_ERROR_STOP=1 -q \
    -c "DO \$\$ BEGIN CREATE ROLE crosstrust_app NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END \$\$" \
    -c "CREATE ROLE \"$owner_role\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" \
    -c "CREATE ROLE \"$app_role\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE crosstrust_app" \
    -c "CREATE DATABASE \"$dbname\" OWNER \"$owner_role\"" || return 1
  local host_db="postgresql://$owner_role@127.0.0.1:5432/$dbname"
  mkdir -p "$CROSSTRUST_SECRETS_DIR"
  (
    cd "$CROSSTRUST_SECRETS_DIR" || exit 1
    printf '%s\n' "$host_db" >migration_database_url
    printf '%s\n' "postgresql://$app_role@127.0.0.1:5432/$dbname" >database_url
    openssl rand -hex 24 >app_client_secret
    openssl rand -hex 24 >staff_client_secret
    openssl rand -hex 32 >session_secret
    openssl rand -hex 24 >metrics_token
    for unused in postgres_password owner_password app_password; do openssl rand -hex 16 >"$unused"; done
    chmod 0644 ./*
  ) || return 1
  APP_CLIENT_SECRET=$(cat "$CROSSTRUST_SECRETS_DIR/app_client_secret") \
    STAFF_CLIENT_SECRET=$(cat "$CROSSTRUST_SECRETS_DIR/staff_client_secret") \
    node --import tsx test/container/sim-seed.ts "$PUBLIC_BASE_URL" >"$work/seed.json" || return 1
  chmod 0644 "$work/seed.json"
  export CI_SIM_SEED="$work/seed.json"
}

# The three compose files merged for this run, without the published ports of host-network services: Docker
# discards them there anyway (Compose v2 says so and drops them), but Compose v1 refuses the combination.
resolve_compose() {
  compose config >"$work/compose.merged.yml" || return 1
  python3 -c '
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
for service in config["services"].values():
    if service.get("network_mode") == "host":
        service.pop("ports", None)
yaml.safe_dump(config, open(sys.argv[2], "w"), sort_keys=False)
' "$work/compose.merged.yml" "$work/compose.yml" || return 1
  compose_files=(-f "$work/compose.yml")
}
