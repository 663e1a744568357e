#!/usr/bin/env bash
# Runs every test against a real PostgreSQL and RabbitMQ: installs and starts them (scripts/setup.sh), builds once,
# runs the unit and integration tests in parallel, then the broker-restart test on its own (it disturbs every
# connection to the broker). Each test works in a vhost of its own from a pool the tests create; the pool is removed
# before and after the run, in one call each.
set -euo pipefail
cd "$(dirname "$0")/.."

remove_test_vhosts() {
  rabbitmqctl -q eval '[rabbit_vhost:delete(V, <<"herald-tests">>) || V <- rabbit_vhost:list_names(),
                        binary:match(V, <<"herald-test">>) =/= nomatch], ok.' >/dev/null
}

bash scripts/setup.sh
remove_test_vhosts
trap remove_test_vhosts EXIT
swift build --build-tests
swift test --skip-build --disable-xctest --skip BrokerRestartTests
# The restart recovers every vhost: leave it only the one it uses.
remove_test_vhosts
HERALD_TEST_VHOSTS=1 HERALD_TEST_BROKER_RESTART=1 swift test --skip-build --disable-xctest --filter BrokerRestartTests
