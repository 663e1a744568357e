#!/usr/bin/env bash
# Runs every test against a real PostgreSQL and RabbitMQ: installs and starts them (scripts/setup.sh), builds once,
# runs the unit and integration tests in parallel, then the broker-restart test on its own (it disturbs every
# connection to the broker).
#
# Each test that uses the broker works in a vhost of its own, from a pool the tests create in one call
# (herald-test_*). RabbitMQ 3.10 copes badly with deleting vhosts (a deletion can wait minutes on a message store)
# and slows down with many of them left over, so a run that finds the last run's pool resets the local broker
# (this machine's, as scripts/setup.sh made it) and lets setup.sh create Herald's user and vhost again.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
if rabbitmqctl -q list_vhosts | grep -q '^herald-test'; then
  echo "test: resetting the local RabbitMQ (test vhosts of an earlier run are left)"
  rabbitmqctl -q stop_app && rabbitmqctl -q reset && rabbitmqctl -q start_app && rabbitmqctl -q await_startup
  bash scripts/setup.sh
fi
swift build --build-tests
swift test --skip-build --disable-xctest --skip BrokerRestartTests
HERALD_TEST_VHOSTS=1 HERALD_TEST_BROKER_RESTART=1 swift test --skip-build --disable-xctest --filter BrokerRestartTests
