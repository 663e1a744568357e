#!/usr/bin/env bash
# Herald's main job end to end on a local default: installs and starts PostgreSQL and RabbitMQ, builds the fleet,
# starts the sandbox providers (SMTP sink, Tyntec-compatible SMS API), the API (with its relay), the renderer, the
# email and SMS senders, the delivery-status poller and the digest aggregator, sends a procedure of emails and SMS
# through the HTTP API, prints each message's final state and where to read what the providers received, then shows
# delivery preferences: a notification sent at once, and one deferred to its recipient's daily digest.
#   --keep   leave the fleet running afterwards (stop it with: pkill -f '.build/.*/herald ')
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true

say() { printf '\n== %s\n' "$*"; }

say "installing and starting PostgreSQL and RabbitMQ"
bash scripts/setup.sh

say "building (first build fetches and compiles dependencies: a few minutes)"
# Only the build's errors and its last line are shown; a failed build stops the demo (pipefail).
swift build -c "${HERALD_BUILD_CONFIGURATION:-debug}" 2>&1 | { grep -E 'error|warning: unre|Compiling Herald|Build' || true; }
bin=$(swift build -c "${HERALD_BUILD_CONFIGURATION:-debug}" --show-bin-path)

export HERALD_DATABASE_URL=${HERALD_DATABASE_URL:-postgres://herald:herald@127.0.0.1:5432/herald}
export HERALD_AMQP_URL=${HERALD_AMQP_URL:-amqp://herald:herald@127.0.0.1:5672/herald}
export HERALD_API_ADDRESS=${HERALD_API_ADDRESS:-127.0.0.1:8080}
export HERALD_SMTP_URL=${HERALD_SMTP_URL:-smtp://127.0.0.1:2525}
export HERALD_SMTP_FROM=${HERALD_SMTP_FROM:-Herald Demo <demo@herald.localhost>}
export HERALD_TYNTEC_URL=${HERALD_TYNTEC_URL:-http://127.0.0.1:8025}
export HERALD_TYNTEC_API_KEY=${HERALD_TYNTEC_API_KEY:-sandbox-key}
export HERALD_SMS_FROM=${HERALD_SMS_FROM:-HeraldDemo}
export HERALD_POLL_DELAYS_MS=${HERALD_POLL_DELAYS_MS:-500,1000,2000,5000}
# The sandbox's Tyntec pushes delivery reports to herald-api (the poller asks only about SMS without a report after
# 30 s) and sends the replies typed into its inbox page to the inbound URL.
export HERALD_PUBLIC_URL=${HERALD_PUBLIC_URL:-http://${HERALD_API_ADDRESS:-127.0.0.1:8080}}
export HERALD_TOKEN_SECRET=${HERALD_TOKEN_SECRET:-demo-token-secret-not-for-production-use}
export HERALD_RECEIPT_GRACE_SECONDS=${HERALD_RECEIPT_GRACE_SECONDS:-30}
export HERALD_TYNTEC_INBOUND_TOKEN=${HERALD_TYNTEC_INBOUND_TOKEN:-demo-inbound-token-0123}
# Each email's envelope sender is a signed address at the bounce domain, whose "MX" is herald-inbound: the sandbox
# bounces mail to recipients starting with "bounce" there, as a receiving MTA would.
export HERALD_BOUNCE_DOMAIN=${HERALD_BOUNCE_DOMAIN:-bounces.herald.localhost}
export HERALD_INBOUND_SMTP_ADDRESS=${HERALD_INBOUND_SMTP_ADDRESS:-127.0.0.1:2526}
# The sandbox's callback receiver is on loopback, which callbacks may reach only where the operator allows it.
export HERALD_CALLBACK_ALLOWED_NETWORKS=${HERALD_CALLBACK_ALLOWED_NETWORKS:-127.0.0.0/8}
api="http://$HERALD_API_ADDRESS"

say "migrating the database and declaring the broker topology"
"$bin/herald" ctl migrate
"$bin/herald" ctl topology

state=.herald
mkdir -p "$state/logs"
rm -rf "$state/mail"
pids=()
stop() {
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; fi
}
$keep || trap stop EXIT

say "starting the sandbox provider and the fleet (logs in $state/logs)"
"$bin/herald" sandbox --smtp 127.0.0.1:2525 --http 127.0.0.1:8025 --maildir "$state/mail" \
  --inbound-url "$api/v1/providers/tyntec/inbound/$HERALD_TYNTEC_INBOUND_TOKEN" \
  --bounce-smtp "$HERALD_INBOUND_SMTP_ADDRESS" >"$state/logs/sandbox.log" 2>&1 &
pids+=($!)
for role in api renderer email sms poller digest callbacks inbound; do
  "$bin/herald" "$role" >"$state/logs/herald-$role.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 100); do curl -fsS "$api/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$api/readyz" >/dev/null || { echo "herald-api did not become ready; see $state/logs/herald-api.log"; exit 1; }

tenant="demo-$(date +%s)-$$"
say "creating tenant $tenant and its API key"
"$bin/herald" ctl tenants create "$tenant" --rate-limit 6000 --burst 2000
key=$("$bin/herald" ctl keys create demo --tenant "$tenant" | tail -n 1)
say "giving it a sending domain, signed with an Ed25519 DKIM key (publish the record printed last), and its sender"
"$bin/herald" ctl domains add "$tenant" "$tenant.example"
"$bin/herald" ctl dkim create "$tenant" "$tenant.example" --selector demo --algorithm ed25519-sha256
"$bin/herald" ctl tenants sender "$tenant" "Herald Demo <sprawy@$tenant.example>"
auth="Authorization: Bearer $key"

say "pointing the tenant's delivery-status callbacks at the sandbox's receiver"
curl -fsS -X PUT "$api/v1/callback" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"url": "http://127.0.0.1:8025/callbacks/demo", "secret": "demo-callback-secret-0123"}'
echo

say "storing a template"
curl -fsS -X PUT "$api/v1/templates/case-update" -H "$auth" -H 'Content-Type: application/json' -d @- <<'JSON'
{"channel": "email",
 "subject": "Sprawa {{case}}: {{status}}",
 "text": "Dzień dobry {{name}},\n\nsprawa {{case}} ma nowy status: {{status}}.\n",
 "html": "<p>Dzień dobry {{name}},</p><p>sprawa <b>{{case}}</b> ma nowy status: {{status}}.</p>"}
JSON
echo
curl -fsS -X PUT "$api/v1/templates/case-sms" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"channel": "sms", "text": "Sprawa {{case}}: {{status}}. Szczegóły w e-mailu."}'
echo

say "sending a procedure of five emails and three SMS (one address and one number end in failure)"
response=$(curl -fsS -X POST "$api/v1/procedures" -H "$auth" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: demo-$(date +%s%N)" -d @- <<'JSON'
{"kind": "case-updates", "messages": [
  {"channel": "email", "to": {"email": "anna@example.com", "name": "Anna Kowalska"}, "template": "case-update",
   "reference": "case-2026/117", "variables": {"name": "Anna", "case": "2026/117", "status": "zatwierdzona <ok>"}},
  {"channel": "email", "to": {"email": "jan@example.com", "name": "Jan Nowak"}, "template": "case-update",
   "variables": {"name": "Jan", "case": "2026/118", "status": "w toku"}},
  {"channel": "email", "to": {"email": "ola@example.com"}, "template": "case-update",
   "variables": {"name": "Ola", "case": "2026/119", "status": "odrzucona"}},
  {"channel": "email", "to": {"email": "piotr@example.com", "name": "Piotr Łęcki"}, "template": "case-update",
   "variables": {"name": "Piotr", "case": "2026/120", "status": "zamknięta"}},
  {"channel": "email", "to": {"email": "rejected@example.com"}, "template": "case-update",
   "variables": {"name": "Nikt", "case": "2026/121", "status": "-"}},
  {"channel": "sms", "to": {"phone": "+48601234567"}, "template": "case-sms",
   "variables": {"case": "2026/117", "status": "zatwierdzona"}},
  {"channel": "sms", "to": {"phone": "+48601234568"}, "from": "CityHall", "template": "case-sms",
   "variables": {"case": "2026/118", "status": "w toku"}},
  {"channel": "sms", "to": {"phone": "+48601239902"}, "template": "case-sms",
   "variables": {"case": "2026/121", "status": "-"}}
]}
JSON
)
echo "$response"
procedure=$(printf '%s' "$response" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

say "waiting for every message to reach a final state"
for _ in $(seq 1 300); do
  summary=$(curl -fsS "$api/v1/procedures/$procedure" -H "$auth")
  pending=$(printf '%s' "$summary" | python3 -c '
import json, sys
final = {"sent", "delivered", "undeliverable", "failed", "dead", "cancelled", "digested"}
print(sum(1 for m in json.load(sys.stdin)["messages"]
          if m["state"] not in final or (m["state"] == "sent" and m["channel"] == "sms")))')
  [ "$pending" = 0 ] && break
  sleep 0.2
done

say "final states"
for id in $(printf '%s' "$summary" | python3 -c 'import json,sys; print(" ".join(m["id"] for m in json.load(sys.stdin)["messages"]))'); do
  curl -fsS "$api/v1/messages/$id" -H "$auth" | python3 -c '
import json, sys
m = json.load(sys.stdin)
path = " -> ".join(e["to"] for e in m["events"])
extra = (m["last_error"] if m["state"] in ("failed", "undeliverable", "dead") else m["provider_id"]) or ""
print("%s  %-5s %-13s %-54s %s" % (m["id"], m["channel"], m["state"], path, extra))'
done
printf '%s' "$summary" | python3 -c 'import json,sys; print("counts:", json.load(sys.stdin)["counts"])'

say "each process's own /metrics (Prometheus; README lists every metric and port)"
for port in 9100 9101 9102 9103 9104 9105 9106 9107; do
  curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null \
    | grep -E '^herald_(messages_accepted_total|messages_total|status_polls_total|queue_messages|digests_total|callbacks_total|inbound_reports_total)' \
    | sed "s/^/  :$port  /" || true
done

say "what the sandbox providers received"
echo "files:   $state/mail/*.eml ($(ls "$state/mail" 2>/dev/null | wc -l) messages)"
echo "inbox:   http://127.0.0.1:8025/ in a browser (mail, SMS and callbacks, newest first); listing: curl http://127.0.0.1:8025/mail"
first=$(ls "$state/mail" | head -n 1)
[ -n "$first" ] && { echo "--- $state/mail/$first"; head -n 12 "$state/mail/$first"; }
echo
echo "SMS at the Tyntec sandbox: curl http://127.0.0.1:8025/sms"
curl -fsS http://127.0.0.1:8025/sms | python3 -c '
import json, sys
listing = json.load(sys.stdin)
print("received %d SMS, pushed %d delivery reports, answered %d status polls" % (listing["count"], listing["pushed"], listing["polls"]))
for s in listing["recent"][:3]:
    print("  %s from %-10s %-10s %s" % (s["to"], s["from"], s["status"], s["message"]))'

say "delivery-status callbacks the sandbox's receiver got (curl http://127.0.0.1:8025/callbacks), newest first"
sleep 1
curl -fsS http://127.0.0.1:8025/callbacks | python3 -c '
import json, sys
listing = json.load(sys.stdin)
print("received %d callbacks" % listing["count"])
for c in listing["recent"][:10]:
    b = c["body"]
    print("  %s  %-5s %-13s reference=%-14s signed %s" % (b["id"], b["channel"], b["state"], b["reference"], c["signature"][:24] + "..."))'

say "listing the tenant's failed messages (GET /v1/messages?state=failed)"
curl -fsS "$api/v1/messages?state=failed" -H "$auth" | python3 -c '
import json, sys
page = json.load(sys.stdin)
for m in page["messages"]:
    print("  %s  %-5s %s  %s" % (m["id"], m["channel"], m["state"], m["last_error"]))
print("next_cursor:", page["next_cursor"])'

say "a recipient answers STOP to the tenant's number (as the inbox page's Reply form does): the next SMS is not sent"
# A number of this run's own: a number belongs to one tenant, and each run makes a new tenant.
number="+4822$(printf '%07d' $(( $(date +%s) % 10000000 )))"
"$bin/herald" ctl numbers add "$tenant" "$number"
curl -fsS -X POST http://127.0.0.1:8025/sms/inbound -H 'Content-Type: application/json' \
  -d "{\"from\": \"+48601234567\", \"to\": \"$number\", \"text\": \"STOP\"}" >/dev/null
for _ in $(seq 1 50); do
  curl -fsS "$api/v1/suppressions?channel=sms&address=%2B48601234567" -H "$auth" \
    | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["suppressions"] else 1)' && break
  sleep 0.2
done
curl -fsS "$api/v1/inbound" -H "$auth" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["inbound"][:1]:
    print("inbound: %s -> %s %r (keyword: %s)" % (m["from"], m["to"], m["text"], m["keyword"]))'
stopped=$(curl -fsS -X POST "$api/v1/messages" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"channel": "sms", "to": {"phone": "+48601234567"}, "template": "case-sms", "variables": {"case": "2026/122", "status": "-"}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 1 100); do
  state=$(curl -fsS "$api/v1/messages/$stopped" -H "$auth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  [ "$state" = suppressed ] && break
  sleep 0.2
done
echo "the next SMS to that number: $state"

say "an email to an address that does not exist bounces back: the message ends bounced, the address is suppressed"
bounced=$(curl -fsS -X POST "$api/v1/messages" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"channel": "email", "to": {"email": "bounce-demo@example.com"}, "template": "case-update",
       "variables": {"name": "Nikt", "case": "2026/123", "status": "-"}}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 1 100); do
  state=$(curl -fsS "$api/v1/messages/$bounced" -H "$auth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  [ "$state" = bounced ] && break
  sleep 0.2
done
curl -fsS "$api/v1/messages/$bounced" -H "$auth" | python3 -c '
import json, sys
m = json.load(sys.stdin)
print("%s  %s  %s" % (m["state"], " -> ".join(e["to"] for e in m["events"]), m["last_error"]))'
curl -fsS "$api/v1/suppressions?channel=email&address=bounce-demo@example.com" -H "$auth" | python3 -c '
import json, sys
for s in json.load(sys.stdin)["suppressions"]:
    print("suppressed: %s (%s) until %s" % (s["address"], s["reason"], s["expires_at"]))'
curl -fsS "$api/v1/deliverability" -H "$auth"; echo

say "delivery preferences: one recipient wants notifications at once, another a daily digest at 08:00 New York time"
curl -fsS -X PUT "$api/v1/recipients/demo-anna" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"email": "anna@example.com", "timezone": "Europe/Warsaw", "preference": "immediate"}' >/dev/null
curl -fsS -X PUT "$api/v1/recipients/demo-jan" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"email": "jan@example.com", "timezone": "America/New_York", "preference": "daily", "digest_hour": 8}' >/dev/null
notified=()
for who in demo-anna demo-jan; do
  reply=$(curl -fsS -X POST "$api/v1/notifications" -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"recipient\": \"$who\", \"template\": \"case-update\", \"category\": \"2026/130\",
         \"variables\": {\"name\": \"$who\", \"case\": \"2026/130\", \"status\": \"nowy dokument\"}}")
  echo "$who: $reply"
  notified+=("$(printf '%s' "$reply" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
done
for _ in $(seq 1 100); do
  state=$(curl -fsS "$api/v1/messages/${notified[0]}" -H "$auth" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  [ "$state" = sent ] && break
  sleep 0.2
done
echo "demo-anna's notification: $state; demo-jan's waits (deferred) for herald-digest to fold it into his digest"

if $keep; then
  echo; echo "the fleet keeps running: API $api (key: $key), sandbox inbox http://127.0.0.1:8025/"
fi
