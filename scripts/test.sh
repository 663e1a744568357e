#!/usr/bin/env bash
# Runs every test against a real PostgreSQL and RabbitMQ: installs and starts them (scripts/setup.sh), builds once,
# runs the unit and integration tests in parallel, then the broker-restart test on its own (it disturbs every
# connection to the broker).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
swift build --build-tests
swift test --skip-build --disable-xctest --skip BrokerRestartTests
HERALD_TEST_BROKER_RESTART=1 swift test --skip-build --disable-xctest --filter BrokerRestartTests
