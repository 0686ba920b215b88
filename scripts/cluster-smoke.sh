#!/usr/bin/env bash
# End-to-end check of `docker compose --profile cluster up`: builds and starts three nodes and the balancer, waits until
# every node is ready (an Up cluster member), then scripts/cluster_check.py: a chat line said on node 1 reaches nodes 2
# and 3, presence lists all three, the balancer serves ws:// and wss://, and after node 3 is killed the other two keep
# serving and its member leaves the list. Always tears the stack down; exits non-zero naming the step that failed.
set -euo pipefail
cd "$(dirname "$0")/.."

export COMPOSE_PROJECT_NAME=actorwss-cluster-smoke
readonly ready_within=180
step_name="start"

step() { step_name=$1; printf '\n==> %s\n' "$step_name"; }
fail() { echo "cluster-smoke: $*" >&2; exit 1; }

finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "cluster-smoke: FAILED in step: $step_name (exit $status)" >&2
    timeout 20 docker compose --profile cluster logs --no-color --tail 15 2>&1 | cut -c1-300 >&2 || true
  fi
  printf '\n==> docker compose --profile cluster down\n'
  timeout 90 docker compose --profile cluster down --remove-orphans --timeout 10 || echo "cluster-smoke: down failed" >&2
  [ "$status" -eq 0 ] && printf '\ncluster-smoke: PASSED\n'
  exit "$status"
}
trap finish EXIT

step "docker and the local base images"
if ! timeout 20 docker image inspect mcr.microsoft.com/dotnet/sdk:10.0 debian:bookworm-slim >/dev/null 2>&1 \
   || ! timeout 20 docker compose version >/dev/null 2>&1; then
  timeout 1800 bash ../shared/tools/local-dotnet-images.sh
fi

step "free host ports 9090-9093 and 9443"
for port in 9090 9091 9092 9093 9443; do
  if timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then fail "127.0.0.1:$port is in use"; fi
done

step "python3 websockets (Debian python3-websockets)"
/usr/bin/python3 -c 'import websockets' 2>/dev/null \
  || DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends python3-websockets >/dev/null

step "docker compose --profile cluster up -d --build"
timeout 1500 docker compose --profile cluster up -d --build

step "wait until the three nodes are ready (at most ${ready_within} s)"
deadline=$((SECONDS + ready_within))
until curl -sf -m 3 http://127.0.0.1:9091/readyz >/dev/null && curl -sf -m 3 http://127.0.0.1:9092/readyz >/dev/null \
      && curl -sf -m 3 http://127.0.0.1:9093/readyz >/dev/null && curl -sf -m 3 http://127.0.0.1:9090/readyz >/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "not every node was ready after ${ready_within} s"
  sleep 2
done
echo "ready after $((ready_within - deadline + SECONDS)) s"

step "chat across nodes, presence, the balancer, the loss of node 3"
node3=$(timeout 20 docker compose --profile cluster ps -q node3)
timeout 300 /usr/bin/python3 scripts/cluster_check.py "docker kill $node3"
