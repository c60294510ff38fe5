# The container check's proofs (sourced by scripts/container-check.sh), each one counted step.


check_images() {
  local target image
  for target in api worker migrate; do
    image="${CROSSTRUST_IMAGE_PREFIX}-${target}:${CROSSTRUST_VERSION}"
    [ "$(docker image inspect "$image" --format '{{.Config.User}}')" = node ] || { echo "$target runs as root"; return 1; }
    [ "$(docker image inspect "$image" --format '{{index .Config.Labels "org.opencontainers.image.version"}}')" = "$CROSSTRUST_VERSION" ] \
      || { echo "$target has no version label"; return 1; }
    docker image inspect "$image" --format '{{index .Config.Labels "org.opencontainers.image.source"}}' | grep -q . \
      || { echo "$target has no source label"; return 1; }
    # None of the workspace's development tools among the shipped packages. (typescript is left out of this
    # list: Prisma's CLI, a production dependency of the database package, brings it as a peer.)
    docker run --rm --network none --entrypoint sh "$image" -c \
      'for p in vitest eslint playwright-core tsx esbuild @crosstrust/testkit @crosstrust/ms-sim; do
         if [ -e node_modules/$p ] || [ -e /app/node_modules/$p ]; then echo "dev dependency $p shipped"; exit 1; fi
       done' || return 1
  done
  for target in api worker; do
    docker image inspect "${CROSSTRUST_IMAGE_PREFIX}-${target}:${CROSSTRUST_VERSION}" \
      --format '{{json .Config.Healthcheck.Test}}' | grep -q node || { echo "$target has no HEALTHCHECK"; return 1; }
  done
}

# The running API and workers: read-only root filesystem, non-root user.
check_containers() {
  local id
  for id in $(compose ps -q api) $(compose ps -q worker); do
    [ "$(docker inspect "$id" --format '{{.HostConfig.ReadonlyRootfs}}')" = true ] || { echo "$id is writable"; return 1; }
    [ "$(docker exec "$id" id -u)" != 0 ] || { echo "$id runs as root"; return 1; }
  done
}

# wait_healthy <container> <base URL>: /readyz answers 200 and Docker's health check says healthy.
wait_healthy() {
  local id=$1 url=$2
  for _ in $(seq 90); do
    if [ "$(docker inspect "$id" --format '{{.State.Health.Status}}' 2>/dev/null)" = healthy ] \
      && curl -fsS -o /dev/null "$url/readyz"; then
      return 0
    fi
    sleep 2
  done
  docker logs --tail 50 "$id"
  return 1
}

fetch_sim_ca() {
  local sim_id
  sim_id=$(compose ps -q sim)
  for _ in $(seq 60); do
    docker cp "$sim_id:/sim/ca/ca.pem" "$work/sim-ca.pem" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

host_env() {
  env NODE_EXTRA_CA_CERTS="$work/sim-ca.pem" API_URL="$PUBLIC_BASE_URL" SIM_LOGIN_URL="$MS_LOGIN_URL" \
    STAFF_CLIENT_SECRET="$(cat "$CROSSTRUST_SECRETS_DIR/staff_client_secret")" \
    DATABASE_URL="$(cat "$CROSSTRUST_SECRETS_DIR/migration_database_url")" "$@"
}

walk_onboarding() {
  host_env node --import tsx test/container/onboarding-walk.ts
}

fleet_without_overlap() {
  host_env node --import tsx test/container/fleet.ts seed 30 "$work/fleet-a" || return 1
  host_env node --import tsx test/container/fleet.ts wait "$work/fleet-a" 240
}

# Graph slowed down so the batch is still running, then the worker running it is killed (SIGKILL, no
# shutdown) while it reads the tenants and before it has recorded all of them (a batch records its runs
# together at its end); the other replica, BullMQ's stalled-job recovery and the sweep must still check
# every tenant.
fleet_survives_kill() {
  local ids checked=0 victim="" db_url
  db_url=$(cat "$CROSSTRUST_SECRETS_DIR/migration_database_url")
  host_env node --import tsx test/container/fleet.ts slow 2000 || return 1
  host_env node --import tsx test/container/fleet.ts seed 40 "$work/fleet-b" || return 1
  ids=$(paste -sd, "$work/fleet-b" | sed "s/[^,]*/'&'/g")
  for _ in $(seq 240); do
    checked=$(psql "$db_url" -Atc "SELECT count(DISTINCT customer_id) FROM check_runs WHERE customer_id IN ($ids)")
    if [ "${checked:-0}" -lt 40 ]; then
      victim=$(worker_talking_to_graph)
      [ -n "$victim" ] && break
    fi
    sleep 0.5
  done
  [ -n "$victim" ] || { echo "no worker caught mid-batch (${checked:-?} of 40 checked)"; return 1; }
  echo "killing worker $victim mid-batch: $checked of 40 tenants checked"
  docker kill "$victim" || return 1
  host_env node --import tsx test/container/fleet.ts slow 0 || return 1
  host_env node --import tsx test/container/fleet.ts wait "$work/fleet-b" 300
}

# The worker container with the most connections to the simulator's Graph port (all containers share the
# host's network here, so connections are told apart by process: each worker's PID 1 is its node process).
worker_talking_to_graph() {
  local id pid n best="" most=0
  for id in $(compose ps -q worker); do
    pid=$(docker inspect "$id" --format '{{.State.Pid}}')
    n=$(ss -tnpH state established "( dport = :$CI_SIM_GRAPH_PORT )" 2>/dev/null | grep -c "pid=$pid,")
    if [ "$n" -gt "$most" ]; then most=$n best=$id; fi
  done
  echo "$best"
}

# A second API replica, a steady request loop over both, and each replica restarted in turn (SIGTERM: it
# stops accepting and drains its in-flight requests; Docker starts it again).
rolling_restart() {
  local a b loop_pid status
  a=$(compose ps -q api)
  # The second replica: the first one's image, environment and mounts (secrets, the simulator's CA) on
  # another port (Compose v1 cannot scale a host-network service with a published port, nor `run` it).
  docker inspect "$a" --format '{{range .Config.Env}}{{println .}}{{end}}' | grep . >"$work/api.env"
  b=$(docker run -d --network host --read-only --tmpfs /tmp --security-opt no-new-privileges:true \
    --volumes-from "$a" --env-file "$work/api.env" -e PORT="$CI_API_PORT_B" \
    --label "com.docker.compose.project=$project" "$(docker inspect "$a" --format '{{.Config.Image}}')") || return 1
  wait_healthy "$b" "http://127.0.0.1:$CI_API_PORT_B" || return 1
  node --import tsx test/container/request-loop.ts /healthz "$PUBLIC_BASE_URL" "http://127.0.0.1:$CI_API_PORT_B" &
  loop_pid=$!
  sleep 3
  docker restart --time 20 "$a" && wait_healthy "$a" "$PUBLIC_BASE_URL" || { kill "$loop_pid"; return 1; }
  sleep 2
  docker restart --time 20 "$b" && wait_healthy "$b" "http://127.0.0.1:$CI_API_PORT_B" || { kill "$loop_pid"; return 1; }
  sleep 3
  kill -TERM "$loop_pid"
  wait "$loop_pid"
  status=$?
  docker rm -f "$b" >/dev/null
  return "$status"
}
