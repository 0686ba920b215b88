#!/usr/bin/env bash
# End-to-end check of the container setup, in the README's order: `dotnet run` first (its development key readable by
# its owner only), then build the images, start the server with docker compose (it must serve wss:// from memory when
# the container's user cannot read that key, and say so once), echo over ws:// and wss:// from this host, read
# /metrics, run the load generator briefly, and check that a configuration the server cannot serve exits 2 once
# without a restart. Always tears the stack down; every step has a time limit; exits non-zero naming the failed step.
set -euo pipefail
cd "$(dirname "$0")/.."

# A project name of its own, so the smoke test never touches a stack someone started from this folder.
export COMPOSE_PROJECT_NAME=actorwss-smoke
readonly healthy_within=120 container_uid=10001
step_name="start"
work=$(mktemp -d)

step() {
  step_name=$1
  printf '\n==> %s\n' "$step_name"
}

fail() {
  echo "compose-smoke: $*" >&2
  exit 1
}

finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "compose-smoke: FAILED in step: $step_name (exit $status)" >&2
    if timeout 10 docker info >/dev/null 2>&1; then
      echo "--- last server log lines ---" >&2
      timeout 20 docker compose logs --no-color --tail 20 actorwss 2>&1 | cut -c1-400 >&2 || true
    fi
  fi
  if timeout 10 docker info >/dev/null 2>&1; then
    printf '\n==> docker compose down\n'
    timeout 90 docker compose --profile single --profile bench down --remove-orphans --timeout 10 || echo "compose-smoke: down failed" >&2
  fi
  rm -rf "$work"
  [ "$status" -eq 0 ] && printf '\ncompose-smoke: PASSED\n'
  exit "$status"
}
trap finish EXIT

step "docker and the .NET base images"
if ! command -v docker >/dev/null || ! timeout 20 docker image inspect mcr.microsoft.com/dotnet/sdk:10.0 >/dev/null 2>&1 \
   || ! timeout 20 docker compose version >/dev/null 2>&1; then
  echo "building them with ../shared/tools/local-dotnet-images.sh (installs docker if needed, takes a few minutes)"
  timeout 1800 bash ../shared/tools/local-dotnet-images.sh
fi
timeout 20 docker compose version

step "free host ports 9090 and 9443"
for port in 9090 9443; do
  if timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    fail "127.0.0.1:$port is in use; stop what listens there (ss -ltnp 'sport = :$port')"
  fi
done
echo "free"

step "the README's order: dotnet run first, then docker compose up"
# `dotnet run` writes certs/dev-cert.pem and certs/dev-key.pem (the key readable by its owner only); the container then
# mounts certs/ read-only and runs as uid $container_uid. Run the server as the README does, unless it has been already.
if [ ! -e certs/dev-cert.pem ]; then
  echo "no certs/dev-cert.pem yet: running the server once, as 'dotnet run' in the README"
  log="$work/dotnet-run.log"
  dotnet run -c Release --project src/ActorWss.Server -- --set actorwss.listeners.ws.port=0 --set actorwss.listeners.wss.port=0 \
    >"$log" 2>&1 &
  run_pid=$!
  for _ in $(seq 1 180); do
    grep -q 'Listening on wss://' "$log" && break
    kill -0 "$run_pid" 2>/dev/null || { cat "$log"; fail "dotnet run exited before listening"; }
    sleep 1
  done
  kill -TERM "$run_pid" 2>/dev/null || true
  wait "$run_pid" 2>/dev/null || true
  [ -e certs/dev-cert.pem ] || { cat "$log"; fail "dotnet run wrote no certs/dev-cert.pem"; }
fi
ls -l certs/dev-cert.pem certs/dev-key.pem
expect_fallback=no
if ! setpriv --reuid "$container_uid" --regid "$container_uid" --clear-groups test -r certs/dev-key.pem; then
  expect_fallback=yes
  echo "certs/dev-key.pem is not readable by uid $container_uid: the container must serve a certificate from memory, and say so once"
fi

step "docker compose build (server and bench images: both profiles, so a stale server image is never used)"
timeout 1200 docker compose --profile single --profile bench build

step "docker compose up -d"
timeout 120 docker compose up -d actorwss
container=$(timeout 20 docker compose ps -q actorwss)
[ -n "$container" ] || fail "no actorwss container after up"

step "wait until healthy (at most ${healthy_within} s)"
deadline=$((SECONDS + healthy_within))
while true; do
  health=$(timeout 20 docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$container")
  restarts=$(timeout 20 docker inspect --format '{{.RestartCount}}' "$container")
  state="$(timeout 20 docker inspect --format '{{.State.Status}}' "$container"), $restarts restarts"
  [ "$health" = healthy ] && break
  [ "$restarts" -lt 2 ] || fail "the server keeps exiting: $state"
  [ "$SECONDS" -lt "$deadline" ] || fail "not healthy after ${healthy_within} s: health $health, $state"
  sleep 2
done
echo "healthy after $((healthy_within - deadline + SECONDS)) s ($state)"
timeout 20 docker compose logs --no-color actorwss >"$work/server.log" 2>&1
grep -Ei 'listening|certificate' "$work/server.log" | cut -c1-300 || true
fallbacks=$(grep -c 'is not readable by this process' "$work/server.log" || true)
if [ "$expect_fallback" = yes ]; then
  [ "$fallbacks" -eq 1 ] || fail "expected the in-memory fallback to be logged once, found $fallbacks times"
else
  [ "$fallbacks" -eq 0 ] || fail "the key is readable by uid $container_uid, yet the server fell back to memory"
fi

step "python3 websockets (Debian python3-websockets)"
if ! /usr/bin/python3 -c 'import websockets' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get install -y -qq --no-install-recommends python3-websockets >/dev/null 2>&1 \
    || { timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq --no-install-recommends python3-websockets >/dev/null; }
fi
/usr/bin/python3 -c 'import websockets; print("websockets", websockets.__version__)'

step "echo over ws:// and wss:// from the host"
timeout 60 /usr/bin/python3 - ws://127.0.0.1:9090/ wss://127.0.0.1:9443/ <<'PY'
import asyncio, ssl, sys, time
import websockets

async def echo(url):
    context = None
    if url.startswith("wss:"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the server's self-signed development certificate
    async with websockets.connect(url, ssl=context, open_timeout=10, close_timeout=5) as socket:
        for text in ("hello over " + url, "é✓😀 " * 100):
            started = time.perf_counter()
            await socket.send(text)
            reply = await asyncio.wait_for(socket.recv(), 10)
            if reply != text:
                sys.exit(f"{url}: the echo differs from what was sent")
            print(f"{url}: {len(text.encode())} bytes echoed in {(time.perf_counter() - started) * 1000:.2f} ms")

async def main():
    for url in sys.argv[1:]:
        await echo(url)

asyncio.run(main())
PY

step "GET http://127.0.0.1:9090/metrics"
status=$(curl -sS --max-time 10 -o "$work/metrics.txt" -w '%{http_code}' http://127.0.0.1:9090/metrics) \
  || fail "no answer from http://127.0.0.1:9090/metrics"
[ "$status" = 200 ] || fail "GET /metrics answered $status, not 200: the server has no /metrics endpoint (yet?): $(head -c 200 "$work/metrics.txt")"
grep -q '^actorwss_' "$work/metrics.txt" || fail "GET /metrics answered 200 but has no actorwss_ lines"
grep '^actorwss_' "$work/metrics.txt" | grep -v '_bucket{' || true
echo "($(grep -c '^actorwss_.*_bucket{' "$work/metrics.txt" || true) histogram bucket lines not shown)"

step "bench profile: load over ws:// and wss:// for 3 s each"
timeout 180 docker compose --profile single --profile bench run --rm -T bench -d 3s --warmup 1s >"$work/bench.txt" 2>&1 \
  || { cat "$work/bench.txt"; fail "the load generator failed"; }
cat "$work/bench.txt"

step "a configuration the server cannot serve: exit 2, reported once, no restart"
ACTORWSS_TLS_MODE=sideways timeout 120 docker compose up -d actorwss
bad=$(timeout 20 docker compose ps -q actorwss)
for _ in $(seq 1 60); do
  [ "$(timeout 20 docker inspect --format '{{.State.Status}}' "$bad")" = exited ] && break
  sleep 1
done
sleep 3 # would a restart policy bring it back?
read -r status code restarts < <(timeout 20 docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' "$bad")
timeout 20 docker compose logs --no-color actorwss >"$work/bad.log" 2>&1
cat "$work/bad.log"
[ "$status $code $restarts" = "exited 2 0" ] || fail "expected exited with code 2 and no restart, got: $status, code $code, $restarts restarts"
[ "$(grep -c 'invalid configuration: actorwss.tls.mode:' "$work/bad.log")" -eq 1 ] || fail "expected the error once in the log"
