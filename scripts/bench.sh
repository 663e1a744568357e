#!/usr/bin/env bash
# Measures Herald on this machine and prints the figures: the bus alone (confirmed publishes, acked consumption),
# then the email path end to end with one process per stage against the sandbox SMTP sink: accepted/s, sent/s,
# latency accept -> sent (p50, p99) and each process's peak memory; then the SMS path against the sandbox's Tyntec
# API: sent/s end to end, and the delivery-status poller's polls/s. Uses its own database (herald_bench) and vhost
# (herald-bench), recreated each run. Last, the digest aggregator: deferred notifications of 10,000 recipients folded
# into digests (items/s). The messages belong to a tenant with limits set far above the load and a delivery-status
# callback to the sandbox's receiver, so herald-callbacks works during the email and SMS paths; then callbacks alone:
# the email path's 'sent' changes called back again from a standing start (callbacks/s), once alone and once beside a
# tenant whose receiver never answers (a tarpit). Without "callbacks" in PARTS
# the tenant has no callback. "dkim" runs the email path again with the tenant sending from its own domain, signed
# by an Ed25519 key, then by an RSA key; "inbound" hands DSNs to herald-inbound over SMTP (bounces recorded/s).
# Release build, linked as scripts/package.sh links it (scripts/release-build.sh).
#   MESSAGES=20000 SMS=20000 BATCH=500 CONCURRENCY=4 bash scripts/bench.sh
# PARTS picks what to measure (default: all of "bus email dkim sms callbacks poller reports inbound digest"),
# e.g. PARTS=email bash scripts/bench.sh
# REPLICAS (1) runs that many of each worker kind (renderer, email and SMS senders, callbacks) beside one herald-api.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-20000}
SMS=${SMS:-20000}
BATCH=${BATCH:-500}
CONCURRENCY=${CONCURRENCY:-4}
PARTS=${PARTS:-bus email dkim sms callbacks poller reports inbound digest}
REPLICAS=${REPLICAS:-1}
wants() { [[ " $PARTS " == *" $1 "* ]]; }

bash scripts/setup.sh
source scripts/release-build.sh
# Only errors and the last line are shown; a failed build stops the benchmark (pipefail).
swift build -c release "${static_swift[@]}" --scratch-path "$scratch" 2>&1 | { grep -E 'error|Build' || true; }
bin=$(swift build -c release "${static_swift[@]}" --scratch-path "$scratch" --show-bin-path)

runuser -u postgres -- psql -qtA -c "drop database if exists herald_bench" -c "create database herald_bench owner herald" >/dev/null
rabbitmqctl -q delete_vhost herald-bench >/dev/null 2>&1 || true
rabbitmqctl -q add_vhost herald-bench >/dev/null
rabbitmqctl -q set_permissions -p herald-bench herald '.*' '.*' '.*' >/dev/null

export HERALD_DATABASE_URL=postgres://herald:herald@127.0.0.1:5432/herald_bench
export HERALD_AMQP_URL=amqp://herald:herald@127.0.0.1:5672/herald-bench
export HERALD_API_ADDRESS=127.0.0.1:8090
export HERALD_SMTP_URL=smtp://127.0.0.1:2535
export HERALD_SMTP_TLS=none
# The sandbox's callback receiver is on loopback.
export HERALD_CALLBACK_ALLOWED_NETWORKS=127.0.0.0/8
export HERALD_SMTP_CONNECTIONS=${HERALD_SMTP_CONNECTIONS:-8}
export HERALD_TYNTEC_URL=http://127.0.0.1:8035
export HERALD_TYNTEC_API_KEY=sandbox-key
# herald-api checks the tokens of Tyntec's report URLs; herald-sms asks for reports only in the "reports" part.
export HERALD_TOKEN_SECRET=bench-token-secret-0123456789abcdef
export LOG_LEVEL=warning
"$bin/herald" ctl migrate >/dev/null
"$bin/herald" ctl topology >/dev/null

if wants bus; then
  echo "== bus alone (quorum queue herald.render, vhost herald-bench)"
  "$bin/herald-bench" bus --messages 100000 --vhost herald-bench
  "$bin/herald" ctl topology >/dev/null
fi

logs=.herald/bench
mkdir -p "$logs"
declare -A pids
# SMS stay BUFFERED for 30 s at the sandbox, so that the poller has a full working set to measure against.
"$bin/herald" sandbox --smtp 127.0.0.1:2535 --http 127.0.0.1:8035 --keep 100 \
  --sms-accepted-ms 1000 --sms-final-ms 30000 >"$logs/sandbox.log" 2>&1 &
pids[herald-sandbox]=$!
"$bin/herald" api >"$logs/herald-api.log" 2>&1 &
pids[herald-api]=$!
# Starts REPLICAS of a worker kind; further replicas serve their metrics on ports of their own (9310 on).
start_workers() {
  local process=$1 replica name metrics
  for replica in $(seq 1 "$REPLICAS"); do
    name=$process; [ "$replica" = 1 ] || name=$process-$replica
    metrics=()
    [ "$replica" = 1 ] || metrics=(--metrics-address "127.0.0.1:$((9300 + replica * 10 + ${#process}))")
    "$bin/herald" "${process#herald-}" "${metrics[@]}" >>"$logs/$name.log" 2>&1 &
    pids[$name]=$!
  done
}
for process in herald-renderer herald-email herald-sms herald-callbacks; do start_workers "$process"; done
trap 'kill ${pids[@]} 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://$HERALD_API_ADDRESS/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
"$bin/herald" ctl tenants create bench --rate-limit 100000000 --burst 1000000 >/dev/null
key=$("$bin/herald" ctl keys create bench --tenant bench | tail -n 1)
# With "callbacks" among the parts, every state change is called back during the paths too.
if wants callbacks; then
  curl -fsS -X PUT "http://$HERALD_API_ADDRESS/v1/callback" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"url": "http://127.0.0.1:8035/callbacks/bench", "secret": "bench-callback-secret"}' >/dev/null
fi
callbacks_received() { curl -fsS http://127.0.0.1:8035/callbacks | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])'; }

# CPU seconds used so far: the whole machine (busy, idle, stolen by the hypervisor), one process, all processes
# of a name; and a process's peak memory.
machine_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%.2f %.2f %.2f", ($2+$3+$4+$7+$8)/hz, ($5+$6)/hz, $9/hz}' /proc/stat; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
process_cpu() {
  local pid
  # The kernel keeps the first 15 characters of a process's name.
  for pid in $(pgrep -x "${1:0:15}"); do cpu_seconds "$pid"; echo; done | awk '{s += $1} END {printf "%.2f\n", s}'
}
peak_memory() { awk '/VmHWM/ {print $2, $3}' "/proc/$1/status"; }
# Prints where the CPU went during a phase of N messages, from snapshots taken before and after.
cpu_report() {
  local messages=$1 before=$2 after=$3
  python3 - "$messages" "$before" "$after" <<'PY'
import sys
n = int(sys.argv[1]); before = sys.argv[2].split(); after = sys.argv[3].split()
names = ["busy", "idle", "steal", "herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-callbacks", "herald-inbound", "herald-sandbox", "postgres", "beam.smp"]
delta = {k: float(a) - float(b) for k, b, a in zip(names, before, after)}
print("machine: %.1f s busy, %.1f s idle, %.1f s stolen by the hypervisor; %.0f us of CPU per message" % (delta["busy"], delta["idle"], delta["steal"], delta["busy"] * 1e6 / n))
print("per message: " + ", ".join("%s %.0f us" % (k, delta[k] * 1e6 / n) for k in names[3:] if delta[k] > 0))
PY
}
cpu_snapshot() { echo "$(machine_cpu) $(for p in herald-api herald-renderer herald-email herald-sms herald-callbacks herald-inbound herald-sandbox postgres beam.smp; do process_cpu "$p"; done | tr '\n' ' ')"; }

if wants email; then
  echo
  echo "== email path end to end: $MESSAGES emails, $REPLICAS process(es) per worker stage, sandbox SMTP ($HERALD_SMTP_CONNECTIONS connections each)"
  before=$(cpu_snapshot)
  "$bin/herald-bench" send --channel email --api "http://$HERALD_API_ADDRESS" --key "$key" --messages "$MESSAGES" --batch "$BATCH" --concurrency "$CONCURRENCY"
  cpu_report "$MESSAGES" "$before" "$(cpu_snapshot)"
  echo "sandbox received: $(curl -fsS http://127.0.0.1:8035/mail | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])') emails, $(callbacks_received) callbacks so far"
fi

if wants dkim; then
  "$bin/herald" ctl domains add bench bench.example >/dev/null
  "$bin/herald" ctl tenants sender bench "Bench <news@bench.example>" >/dev/null
  for algorithm in ed25519-sha256 rsa-sha256; do
    selector=${algorithm%%-*}
    "$bin/herald" ctl dkim create bench bench.example --selector "$selector" --algorithm "$algorithm" >/dev/null
    # herald-email reads a domain's keys at most 30 s old: started again, it signs from the first email.
    for name in "${!pids[@]}"; do
      [[ $name == herald-email* ]] && { kill "${pids[$name]}"; wait "${pids[$name]}" 2>/dev/null || true; unset "pids[$name]"; }
    done
    start_workers herald-email
    echo
    echo "== email path with DKIM $algorithm (the tenant's own domain and sender): $MESSAGES emails"
    before=$(cpu_snapshot)
    "$bin/herald-bench" send --channel email --api "http://$HERALD_API_ADDRESS" --key "$key" --messages "$MESSAGES" --batch "$BATCH" --concurrency "$CONCURRENCY"
    cpu_report "$MESSAGES" "$before" "$(cpu_snapshot)"
    "$bin/herald" ctl dkim remove bench bench.example --selector "$selector"
  done
  "$bin/herald" ctl tenants sender bench "" >/dev/null
  "$bin/herald" ctl domains remove bench bench.example
fi

if wants callbacks; then
  echo
  echo "== callbacks alone: the 'sent' change of up to $MESSAGES messages called back again, all due at once, $REPLICAS herald-callbacks"
  for _ in $(seq 1 300); do [ "$(runuser -u postgres -- psql -qtA -d herald_bench -c 'select count(*) from callbacks')" = 0 ] && break; sleep 0.2; done
  count=$(runuser -u postgres -- psql -qtA -d herald_bench -c "
    insert into callbacks (tenant_id, message_id, state, at)
    select tenant_id, id, 'sent', now() from messages where state = 'sent' limit $MESSAGES;
    select count(*) from callbacks")
  measure_callbacks() {
    local label=$1 tenant before started cpu_before ended after
    tenant=$(runuser -u postgres -- psql -qtA -d herald_bench -c "select id from tenants where name = 'bench'")
    before=$(callbacks_received); started=$(date +%s.%N); cpu_before=$(cpu_snapshot)
    for _ in $(seq 1 1200); do
      [ "$(runuser -u postgres -- psql -qtA -d herald_bench -c "select count(*) from callbacks where tenant_id = '$tenant'")" = 0 ] && break
      sleep 0.1
    done
    ended=$(date +%s.%N); after=$(callbacks_received)
    python3 -c "print('callbacks%s: %d queued, %d received in %.2f s = %.0f/s' % ('$label', $count, $after - $before, $ended - $started, ($after - $before) / ($ended - $started)))"
    cpu_report "$count" "$cpu_before" "$(cpu_snapshot)"
  }
  measure_callbacks ""

  # Again with a second tenant whose receiver accepts connections and never answers (a tarpit): the bench tenant's
  # callbacks must go as fast; the tarpit's wait out the callback timeout and the breaker.
  echo
  echo "== callbacks alone again, beside tenant 'tarpit' with 2000 callbacks to a receiver that never answers"
  python3 -c '
import socket, time
server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 8036)); server.listen(1024)
held = []
while True:
    connection, _ = server.accept(); held.append(connection)
' >/dev/null 2>&1 &
  pids[tarpit]=$!
  "$bin/herald" ctl tenants create tarpit --rate-limit 100000 --burst 10000 >/dev/null
  tarpit_key=$("$bin/herald" ctl keys create tarpit --tenant tarpit | tail -n 1)
  curl -fsS -X PUT "http://$HERALD_API_ADDRESS/v1/callback" -H "Authorization: Bearer $tarpit_key" -H 'Content-Type: application/json' \
    -d '{"url": "http://127.0.0.1:8036/hook", "secret": "tarpit-callback-secret"}' >/dev/null
  count=$(runuser -u postgres -- psql -qtA -d herald_bench -c "
    insert into callbacks (tenant_id, message_id, state, at)
    select (select id from tenants where name = 'tarpit'), id, 'sent', now() from messages where state = 'sent' limit 2000;
    insert into callbacks (tenant_id, message_id, state, at)
    select tenant_id, id, 'sent', now() from messages where state = 'sent' limit $MESSAGES;
    select count(*) from callbacks c join tenants t on t.id = c.tenant_id where t.name = 'bench'")
  measure_callbacks " beside a tarpit"
  kill "${pids[tarpit]}"; unset "pids[tarpit]"
  runuser -u postgres -- psql -qtA -d herald_bench -c "update tenants set callback_url = null where name = 'tarpit'; delete from callbacks c using tenants t where t.id = c.tenant_id and t.name = 'tarpit'" >/dev/null
fi

if wants sms || wants poller; then
  echo
  echo "== SMS path end to end: $SMS SMS, $REPLICAS process(es) per worker stage, sandbox Tyntec API"
  before=$(cpu_snapshot)
  "$bin/herald-bench" send --channel sms --api "http://$HERALD_API_ADDRESS" --key "$key" --messages "$SMS" --batch "$BATCH" --concurrency "$CONCURRENCY"
  cpu_report "$SMS" "$before" "$(cpu_snapshot)"
fi
sms_polls() { curl -fsS http://127.0.0.1:8035/sms | python3 -c 'import json,sys; print(json.load(sys.stdin)["polls"])'; }

poller_hwm=-; poller_cpu=-
if wants poller; then
  echo
  echo "== delivery-status poller: one herald-poller, $SMS SMS pending at the sandbox, each due every 0.5 s"
  HERALD_POLL_DELAYS_MS=500 "$bin/herald" poller >"$logs/herald-poller.log" 2>&1 &
  pids[herald-poller]=$!
  sleep 3
  before=$(sms_polls); started=$(date +%s.%N)
  sleep 10
  after=$(sms_polls); ended=$(date +%s.%N)
  python3 -c "print('status polls: %d in %.1f s = %.0f/s' % ($after - $before, $ended - $started, ($after - $before) / ($ended - $started)))"
  poller_cpu="$(cpu_seconds "${pids[herald-poller]}") s"
  poller_hwm=$(peak_memory "${pids[herald-poller]}")
  kill "${pids[herald-poller]}"; unset "pids[herald-poller]"
fi

if wants reports; then
  echo
  echo "== delivery reports: ${REPORTS:-20000} DELIVERED reports pushed at herald-api, 64 at once, as Tyntec pushes them"
  "$bin/herald-bench" reports --api "http://$HERALD_API_ADDRESS" --messages "${REPORTS:-20000}" --concurrency 64
  echo
  report_sms=${REPORT_SMS:-2000}
  echo "== poll requests per delivered SMS: $report_sms SMS (each DELIVERED 30 s after sending), reports off, then on"
  # The SMS path's SMS are taken off the schedule, so that only this part's are polled.
  runuser -u postgres -- psql -qtA -d herald_bench -c "delete from sms_polls" -c "update messages set state = 'delivered' where channel = 'sms' and state = 'sent'" >/dev/null
  "$bin/herald" poller >"$logs/herald-poller-reports.log" 2>&1 &
  pids[herald-poller]=$!
  for mode in off on; do
    kill "${pids[herald-sms]}"; wait "${pids[herald-sms]}" 2>/dev/null || true
    if [ "$mode" = on ]; then
      HERALD_PUBLIC_URL="http://$HERALD_API_ADDRESS" "$bin/herald" sms >>"$logs/herald-sms.log" 2>&1 &
    else
      "$bin/herald" sms >>"$logs/herald-sms.log" 2>&1 &
    fi
    pids[herald-sms]=$!
    before=$(sms_polls); started=$(date +%s.%N)
    "$bin/herald-bench" send --channel sms --api "http://$HERALD_API_ADDRESS" --key "$key" --messages "$report_sms" --batch "$BATCH" --concurrency "$CONCURRENCY" >/dev/null
    for _ in $(seq 1 600); do
      [ "$(runuser -u postgres -- psql -qtA -d herald_bench -c "select count(*) from messages where channel = 'sms' and state = 'sent'")" = 0 ] && break
      sleep 0.5
    done
    after=$(sms_polls); ended=$(date +%s.%N)
    python3 -c "print('reports %-3s: %d poll requests for %d SMS = %.3f per delivered SMS, all final after %.0f s' % ('$mode', $after - $before, $report_sms, ($after - $before) / $report_sms, $ended - $started))"
  done
  kill "${pids[herald-poller]}"; unset "pids[herald-poller]"
fi

if wants inbound; then
  echo
  echo "== bounces: ${BOUNCES:-20000} DSNs handed to one herald-inbound over 16 SMTP sessions, as an MTA hands them over"
  HERALD_BOUNCE_DOMAIN=bounces.bench.example HERALD_INBOUND_SMTP_ADDRESS=127.0.0.1:2536 \
    "$bin/herald" inbound >"$logs/herald-inbound.log" 2>&1 &
  pids[herald-inbound]=$!
  for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:9107/readyz >/dev/null 2>&1 && break; sleep 0.2; done
  before=$(cpu_snapshot)
  "$bin/herald-bench" inbound --smtp smtp://127.0.0.1:2536 --bounce-domain bounces.bench.example \
    --messages "${BOUNCES:-20000}" --connections 16
  cpu_report "${BOUNCES:-20000}" "$before" "$(cpu_snapshot)"
fi

if wants digest; then
  echo
  echo "== digest aggregator (the poller stopped; the fleet renders and sends the digests meanwhile): ${DIGEST_ITEMS:-50000} deferred notifications of 10000 recipients whose windows have closed"
  "$bin/herald-bench" digest --recipients 10000 --items "${DIGEST_ITEMS:-50000}"
fi

echo
echo "== peak memory (VmHWM) and CPU time per process"
printf '%-16s %-12s cpu %s\n' herald-poller "$poller_hwm" "$poller_cpu"
for process in $(printf '%s\n' "${!pids[@]}" | sort); do
  pid=${pids[$process]}
  printf '%-16s %-12s cpu %s s\n' "$process" "$(peak_memory "$pid")" "$(cpu_seconds "$pid")"
done
