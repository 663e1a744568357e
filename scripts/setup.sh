#!/usr/bin/env bash
# Prepares a Debian machine for Herald, as root, idempotently: installs PostgreSQL, RabbitMQ and the C libraries
# Herald links, starts both servers on loopback (directly, without systemd), and creates the database, user and vhost.
# Running it again, or on a machine where the servers already run, changes nothing.
set -euo pipefail

HERALD_DB_USER=${HERALD_DB_USER:-herald}
HERALD_DB_PASSWORD=${HERALD_DB_PASSWORD:-herald}
HERALD_DB_NAME=${HERALD_DB_NAME:-herald}
HERALD_AMQP_USER=${HERALD_AMQP_USER:-herald}
HERALD_AMQP_PASSWORD=${HERALD_AMQP_PASSWORD:-herald}
HERALD_AMQP_VHOST=${HERALD_AMQP_VHOST:-herald}
# The broker user applications publish requests onto herald.intake with: it may publish to the herald.intake exchange
# and do nothing else (no queue or exchange of its own, no consume, no basic.get), so an application cannot read
# other tenants' requests (and their API keys) off the broker.
HERALD_AMQP_INTAKE_USER=${HERALD_AMQP_INTAKE_USER:-herald-intake}
HERALD_AMQP_INTAKE_PASSWORD=${HERALD_AMQP_INTAKE_PASSWORD:-herald-intake}

log() { printf 'setup: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
  log "must run as root (it installs Debian packages and starts servers)"; exit 1
fi

# chromium is the browser the sandbox inbox test loads the page in.
# postfix is the real MTA of the bounce tests (scripts/postfix.sh runs a private instance; the system one stays
# unconfigured and stopped).
packages=(postgresql rabbitmq-server librabbitmq-dev libcurl4-openssl-dev pkg-config python3-pip chromium openssl ca-certificates postfix)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  # Package scripts try to start services through invoke-rc.d; without an init system that only prints warnings.
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# aiosmtpd is the independent SMTP server the end-to-end tests deliver to.
python3 -c 'import aiosmtpd' 2>/dev/null || { log "installing aiosmtpd"; python3 -m pip install -q aiosmtpd; }
# hypothesis drives the API fuzz test.
python3 -c 'import hypothesis' 2>/dev/null || { log "installing hypothesis"; python3 -m pip install -q hypothesis; }
# pika publishes onto herald.intake in the fault test as an application next to the broker would.
python3 -c 'import pika' 2>/dev/null || { log "installing pika"; python3 -m pip install -q pika; }
# dkimpy verifies the DKIM signatures (RSA and Ed25519) of mail delivered through Postfix in the bounce tests.
python3 -c 'import dkim, nacl' 2>/dev/null || { log "installing dkimpy"; python3 -m pip install -q "dkimpy[ed25519]"; }
# schemathesis checks the live API against its own OpenAPI document.
command -v schemathesis >/dev/null || { log "installing schemathesis"; python3 -m pip install -q schemathesis; }
# kubernetes-validate checks deploy/kubernetes against the Kubernetes API schemas; docker-compose 1.29 (fetched as a
# wheel, not installed) carries the Compose Specification schema that deploy/compose.yaml is checked against.
command -v kubernetes-validate >/dev/null || { log "installing kubernetes-validate"; python3 -m pip install -q kubernetes-validate; }
# The deploy test builds the kustomizations with the machine's kubectl (kustomize v5 inside; no cluster is reached).
# Debian's kubernetes-client carries kustomize v2, too old for them, so a machine without kubectl is told here and
# the deploy test fails naming it.
command -v kubectl >/dev/null || log "kubectl is not on PATH: the deploy test (Tests/deploy) needs it to build deploy/kubernetes"
wheels="$(dirname "$0")/../.herald/pip"
ls "$wheels"/docker_compose-1.29.2-*.whl >/dev/null 2>&1 || {
  log "fetching the Compose Specification schema"; python3 -m pip download -q --no-deps -d "$wheels" docker-compose==1.29.2; }

# --- A local certificate authority ------------------------------------------------------------------------------
# PostgreSQL and RabbitMQ also listen with TLS on loopback (5432 with ssl on, 5671 for amqps), with a server
# certificate for localhost and 127.0.0.1 signed by a CA made here once: its certificate, /etc/herald/local-ca/ca.pem,
# is what HERALD_DATABASE_CA_FILE and HERALD_AMQP_CA_FILE name to verify them (the TLS tests do).
ca=/etc/herald/local-ca
if [ ! -f "$ca/server.pem" ]; then
  log "creating a local CA and a server certificate for localhost in $ca"
  mkdir -p "$ca"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Herald local CA" \
    -keyout "$ca/ca.key" -out "$ca/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$ca/server.key" -out "$ca/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$ca/server.ext"
  openssl x509 -req -in "$ca/server.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial -days 3650 \
    -extfile "$ca/server.ext" -out "$ca/server.pem" 2>/dev/null
  chmod 644 "$ca/ca.pem" "$ca/server.pem"
fi

# --- PostgreSQL ---------------------------------------------------------------------------------------------------
pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$pg_version main$"; then
  log "creating PostgreSQL $pg_version cluster"
  pg_createcluster "$pg_version" main >/dev/null
fi
conf=/etc/postgresql/$pg_version/main/conf.d/herald.conf
if [ ! -f "$conf" ]; then
  cat > "$conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 300
shared_buffers = 512MB
CONF
fi
tls_conf=/etc/postgresql/$pg_version/main/conf.d/herald-tls.conf
if [ ! -f "$tls_conf" ]; then
  install -o postgres -g postgres -m 600 "$ca/server.key" "/etc/postgresql/$pg_version/main/herald-server.key"
  install -o postgres -g postgres -m 644 "$ca/server.pem" "/etc/postgresql/$pg_version/main/herald-server.pem"
  cat > "$tls_conf" <<CONF
ssl = on
ssl_cert_file = '/etc/postgresql/$pg_version/main/herald-server.pem'
ssl_key_file = '/etc/postgresql/$pg_version/main/herald-server.key'
CONF
  pg_lsclusters -h | grep -q "^$pg_version main .* online" && pg_ctlcluster "$pg_version" main reload
fi
if ! pg_lsclusters -h | grep -q "^$pg_version main .* online"; then
  log "starting PostgreSQL $pg_version"
  pg_ctlcluster "$pg_version" main start
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL did not answer on 127.0.0.1:5432"; exit 1; }

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ -z "$(psql_admin -c "select 1 from pg_roles where rolname = '$HERALD_DB_USER'")" ]; then
  log "creating PostgreSQL role $HERALD_DB_USER"
  psql_admin -c "create role \"$HERALD_DB_USER\" login password '$HERALD_DB_PASSWORD'"
fi
if [ -z "$(psql_admin -c "select 1 from pg_database where datname = '$HERALD_DB_NAME'")" ]; then
  log "creating database $HERALD_DB_NAME"
  psql_admin -c "create database \"$HERALD_DB_NAME\" owner \"$HERALD_DB_USER\""
fi

# --- RabbitMQ -----------------------------------------------------------------------------------------------------
if [ ! -f /etc/rabbitmq/conf.d/10-herald.conf ]; then
  mkdir -p /etc/rabbitmq/conf.d
  cat > /etc/rabbitmq/conf.d/10-herald.conf <<CONF
listeners.tcp.1 = 127.0.0.1:5672
CONF
fi
if [ ! -f /etc/rabbitmq/conf.d/20-herald-tls.conf ]; then
  install -d -o rabbitmq -g rabbitmq /etc/rabbitmq/herald-tls
  install -o rabbitmq -g rabbitmq -m 600 "$ca/server.key" /etc/rabbitmq/herald-tls/server.key
  install -o rabbitmq -g rabbitmq -m 644 "$ca/server.pem" /etc/rabbitmq/herald-tls/server.pem
  install -o rabbitmq -g rabbitmq -m 644 "$ca/ca.pem" /etc/rabbitmq/herald-tls/ca.pem
  cat > /etc/rabbitmq/conf.d/20-herald-tls.conf <<CONF
listeners.ssl.1 = 127.0.0.1:5671
ssl_options.cacertfile = /etc/rabbitmq/herald-tls/ca.pem
ssl_options.certfile = /etc/rabbitmq/herald-tls/server.pem
ssl_options.keyfile = /etc/rabbitmq/herald-tls/server.key
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
CONF
  # A broker already running reads it only when it starts again.
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    log "restarting RabbitMQ for its TLS listener"
    rabbitmqctl -q stop >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do rabbitmq-diagnostics -q ping >/dev/null 2>&1 || break; sleep 1; done
  fi
fi
if ! grep -q ERL_EPMD_ADDRESS /etc/rabbitmq/rabbitmq-env.conf 2>/dev/null; then
  printf 'ERL_EPMD_ADDRESS=127.0.0.1\nNODENAME=rabbit@localhost\n' >> /etc/rabbitmq/rabbitmq-env.conf
fi
# Every quorum queue keeps files open; at the usual soft limit of 1024 the broker soon stops taking connections.
# rabbitmq-env.conf is sourced by the broker's start script, after su has reset the limits.
if ! grep -q 'ulimit -n' /etc/rabbitmq/rabbitmq-env.conf; then
  printf 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || true\n' >> /etc/rabbitmq/rabbitmq-env.conf
fi
if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  log "starting RabbitMQ"
  mkdir -p /var/log/rabbitmq && chown rabbitmq:rabbitmq /var/log/rabbitmq
  setsid nohup rabbitmq-server >/var/log/rabbitmq/herald-startup.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    rabbitmq-diagnostics -q ping >/dev/null 2>&1 && break
    sleep 1
  done
fi
rabbitmqctl -q await_startup --timeout 120 >/dev/null || { log "RabbitMQ did not start; see /var/log/rabbitmq"; exit 1; }

if ! rabbitmqctl -q list_vhosts | grep -qx "$HERALD_AMQP_VHOST"; then
  log "creating RabbitMQ vhost $HERALD_AMQP_VHOST"
  rabbitmqctl -q add_vhost "$HERALD_AMQP_VHOST" >/dev/null
fi
if ! rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$HERALD_AMQP_USER"; then
  log "creating RabbitMQ user $HERALD_AMQP_USER"
  rabbitmqctl -q add_user "$HERALD_AMQP_USER" "$HERALD_AMQP_PASSWORD" >/dev/null
  # Tests create a vhost each; the administrator tag lets the user manage its own vhosts.
  rabbitmqctl -q set_user_tags "$HERALD_AMQP_USER" administrator >/dev/null
fi
rabbitmqctl -q set_permissions -p "$HERALD_AMQP_VHOST" "$HERALD_AMQP_USER" '.*' '.*' '.*' >/dev/null
if ! rabbitmqctl -q list_users | awk '{print $1}' | grep -qx "$HERALD_AMQP_INTAKE_USER"; then
  log "creating RabbitMQ user $HERALD_AMQP_INTAKE_USER (publishes to herald.intake only)"
  rabbitmqctl -q add_user "$HERALD_AMQP_INTAKE_USER" "$HERALD_AMQP_INTAKE_PASSWORD" >/dev/null
fi
# configure: nothing; write: the herald.intake exchange; read: nothing.
rabbitmqctl -q set_permissions -p "$HERALD_AMQP_VHOST" "$HERALD_AMQP_INTAKE_USER" '^$' '^herald\.intake$' '^$' >/dev/null

log "PostgreSQL and RabbitMQ are up on 127.0.0.1"
