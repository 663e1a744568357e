#!/usr/bin/env bash
# Runs every test against a real PostgreSQL and RabbitMQ: installs and starts them (scripts/setup.sh), builds once,
# runs the unit tests (fail fast, seconds), then the integration tests in parallel, then the broker-restart test on
# its own (it disturbs every connection to the broker), then the fault test (kill -9 of each process kind, broker and
# database restarts), the tenancy test (one tenant's flood or broken receiver against another's service, SSRF, SMTP
# TLS, retries, logs), the API fuzz and OpenAPI test, replicas against a RabbitMQ cluster losing a node, and the demo
# with its sandbox inbox in a browser, and the package (scripts/package.sh) run where no Swift toolchain is. The
# deployment manifests are validated first.
#
# Each test that uses the broker works in a vhost of its own, from a pool the tests create in one call
# (herald-test_*). RabbitMQ 3.10 copes badly with deleting vhosts (a deletion can wait minutes on a message store)
# and slows down with many of them left over (their quorum queues alone kept a core 10% busy), so the pool is
# cleared before and after the run by resetting the local broker (this machine's, as scripts/setup.sh made it);
# setup.sh then creates Herald's user and vhost again.
set -euo pipefail
cd "$(dirname "$0")/.."

clear_test_vhosts() {
  # grep reads the whole list: with -q it would stop early, and pipefail would count the broken pipe as failure.
  if rabbitmqctl -q list_vhosts | grep '^herald-test' >/dev/null; then
    echo "test: resetting the local RabbitMQ to clear the test vhosts ($1)"
    rabbitmqctl -q stop_app && rabbitmqctl -q reset && rabbitmqctl -q start_app && rabbitmqctl -q await_startup
    bash scripts/setup.sh
  fi
}

bash scripts/setup.sh
clear_test_vhosts "an earlier run left them"
trap 'clear_test_vhosts "the tests are over"' EXIT
# The Kubernetes manifests, KEDA objects, compose file and Dockerfile, validated against their schemas (no engine here).
python3 Tests/deploy/deploy_test.py
# Stage one, fail fast: build once, then the unit tests (no server, seconds).
swift build --build-tests
unit='HeraldTests\.|HeraldAPITests\.|HeraldIntakeTests\.|HeraldWorkersTests\.|HeraldInboundTests\.'
swift test --skip-build --disable-xctest --filter "$unit"
# Stage two: the suites against the real servers and the fleet's own processes.
swift test --skip-build --disable-xctest --skip "$unit" --skip BrokerRestartTests
HERALD_TEST_VHOSTS=1 HERALD_TEST_BROKER_RESTART=1 swift test --skip-build --disable-xctest --filter BrokerRestartTests
# Crash and restart faults against the fleet's own executables (they restart the broker and the database too).
bin=$(swift build --show-bin-path)
python3 Tests/fault/fault_test.py "$bin"
# Tenants against each other and against outside servers: a flood on herald.intake and a tarpitting callback receiver
# slow only their own tenant (kill -9 of herald-api and herald-callbacks mid-run), callback URLs to internal addresses
# refused, no password without TLS, one attempt for concurrent retries, no personal data in any log.
python3 Tests/tenancy/tenancy_test.py "$bin"
# Replies and the suppression list: Tyntec's inbound webhook, STOP and START, the suppression API, per tenant.
python3 Tests/sms/sms_loop_test.py "$bin"
# Delivery reports pushed by the Tyntec stand-in: flowing, lost (polling reconciles), duplicated and reordered, forged,
# and a kill -9 of herald-api while 2,000 reports and 200 inbound SMS arrive.
python3 Tests/sms/reports_test.py "$bin"
# Bounces and complaints through a private Postfix (scripts/postfix.sh) to herald-inbound: bounced, suppressed,
# complained, forged and relayed mail refused, bad mail dropped, and a kill -9 of herald-inbound under 1,000 bounces.
python3 Tests/inbound/inbound_test.py "$bin"
# A few thousand fuzzed requests against herald-api: no 5xx, every refusal problem+json, no secrets in its log; then
# schemathesis checks the live API against its OpenAPI document.
FUZZ_EXAMPLES=${FUZZ_EXAMPLES:-1000} python3 Tests/fuzz/api_fuzz.py "$bin"
# Two replicas of every executable against a 3-node RabbitMQ cluster (scripts/cluster.sh); a node stops mid-run and
# starts again; scheduled messages and digests included, each sent once.
CLUSTER_MESSAGES=${CLUSTER_MESSAGES:-10000} python3 Tests/cluster/cluster_test.py "$bin"
# The demo end to end, then its sandbox inbox in headless Chromium (screenshot in .herald/inbox.png).
python3 Tests/sandbox/inbox_test.py
# The release archive's shape, built from this debug build: its executables run after env -i with no Swift library.
python3 Tests/package/package_test.py
