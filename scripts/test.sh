#!/usr/bin/env bash
# Runs every test against a real PostgreSQL and RabbitMQ: installs and starts them (scripts/setup.sh), builds once,
# runs the unit and integration tests in parallel, then the broker-restart test on its own (it disturbs every
# connection to the broker). Each test that uses the broker works in a vhost of its own, from a pool the tests
# create in one call (herald-test_*); they are left in place, because deleting vhosts is what RabbitMQ 3.10 does
# worst (a deletion can wait minutes on a message store). Remove them at leisure with:
#   rabbitmqctl eval '[rabbit_vhost:delete(V, <<"admin">>) || V <- rabbit_vhost:list_names(), binary:match(V, <<"herald-test">>) =/= nomatch], ok.'
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build --build-tests
swift test --skip-build --disable-xctest --skip BrokerRestartTests
HERALD_TEST_VHOSTS=1 HERALD_TEST_BROKER_RESTART=1 swift test --skip-build --disable-xctest --filter BrokerRestartTests
