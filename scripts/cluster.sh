#!/usr/bin/env bash
# Starts (or stops) a 3-node RabbitMQ cluster on loopback from the Debian package, beside the local broker that
# scripts/setup.sh runs: nodes herald-1@localhost, herald-2@localhost and herald-3@localhost on AMQP ports 5681-5683
# (distribution ports 25681-25683), each with its own data directory under .herald/cluster, one Erlang cookie, and
# nodes 2 and 3 joined to node 1. Creates Herald's user and vhost on the cluster; quorum queues declared there
# (heraldctl topology) are replicated on all three nodes.
#   bash scripts/cluster.sh start     prints the HERALD_AMQP_URL for the cluster
#   bash scripts/cluster.sh stop      stops the nodes and removes their data
#   bash scripts/cluster.sh stop-node N / start-node N   for failover tests
#   bash scripts/cluster.sh queues [N]  the quorum queues with their leader, members and members online
set -euo pipefail
cd "$(dirname "$0")/.."

base=$(pwd)/.herald/cluster
nodes=(1 2 3)
user=${HERALD_AMQP_USER:-herald}
password=${HERALD_AMQP_PASSWORD:-herald}
vhost=${HERALD_AMQP_VHOST:-herald}
rabbit=/usr/lib/rabbitmq/bin

log() { echo "cluster: $*" >&2; }

# The environment of node N: its own name, ports, files and configuration (not /etc/rabbitmq's, which configures
# the local broker), and a home holding the cookie every node and rabbitmqctl share.
node_env() {
  local n=$1 dir=$base/node-$1
  export HOME=$base
  export RABBITMQ_NODENAME=herald-$n@localhost RABBITMQ_USE_LONGNAME=false
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$((5680 + n)) RABBITMQ_DIST_PORT=$((25680 + n))
  export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_PID_FILE=$dir/pid
  export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf RABBITMQ_CONFIG_FILES=$dir/conf.d
  export RABBITMQ_CONF_ENV_FILE=$base/rabbitmq-env.conf RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
  export RABBITMQ_ENABLED_PLUGINS= ERL_EPMD_ADDRESS=127.0.0.1
  export ERL_CRASH_DUMP=$dir/log/erl_crash.dump
}

ctl() {
  local n=$1; shift
  (node_env "$n"; "$rabbit/rabbitmqctl" -q -n "herald-$n@localhost" "$@")
}

start_node() {
  local n=$1 dir=$base/node-$1
  mkdir -p "$dir/mnesia" "$dir/log" "$dir/conf.d"
  [ -f "$dir/rabbitmq.conf" ] || printf 'listeners.tcp.1 = 127.0.0.1:%d\nloopback_users = none\n' $((5680 + n)) > "$dir/rabbitmq.conf"
  [ -f "$dir/enabled_plugins" ] || echo '[].' > "$dir/enabled_plugins"
  if ctl "$n" status >/dev/null 2>&1; then return; fi
  (node_env "$n"; ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
   setsid nohup "$rabbit/rabbitmq-server" > "$dir/log/startup.log" 2>&1 < /dev/null &)
}

# await_startup gives up at once while the node's VM has not yet registered with epmd (a busy machine takes a few
# seconds to boot it), so it is asked again until the node answers or two minutes have passed.
await_node() {
  for _ in $(seq 1 120); do
    ctl "$1" await_startup --timeout 120 >/dev/null 2>&1 && return
    sleep 1
  done
  log "node $1 did not start; the end of its logs:"
  tail -n 20 "$base/node-$1/log"/*.log >&2 || true
  exit 1
}

case "${1:-start}" in
  start)
    command -v rabbitmq-server >/dev/null || bash scripts/setup.sh >&2
    mkdir -p "$base"
    [ -f "$base/.erlang.cookie" ] || { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$base/.erlang.cookie"; }
    chmod 400 "$base/.erlang.cookie"
    : > "$base/rabbitmq-env.conf"
    for n in "${nodes[@]}"; do start_node "$n"; done
    for n in "${nodes[@]}"; do await_node "$n"; done
    for n in 2 3; do
      if ! ctl "$n" cluster_status --formatter json | grep -q 'herald-1@localhost'; then
        log "joining node $n to node 1"
        ctl "$n" stop_app && ctl "$n" join_cluster herald-1@localhost && ctl "$n" start_app
      fi
    done
    ctl 1 list_users | awk '{print $1}' | grep -qx "$user" || ctl 1 add_user "$user" "$password" >/dev/null
    ctl 1 set_user_tags "$user" administrator >/dev/null
    ctl 1 list_vhosts | grep -qx "$vhost" || ctl 1 add_vhost "$vhost" >/dev/null
    ctl 1 set_permissions -p "$vhost" "$user" '.*' '.*' '.*' >/dev/null
    running=$(ctl 1 cluster_status --formatter json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["running_nodes"]))')
    [ "$running" = 3 ] || { log "only $running of 3 nodes are running"; exit 1; }
    log "3 nodes running"
    echo "amqp://$user:$password@127.0.0.1:5681/$vhost,127.0.0.1:5682,127.0.0.1:5683"
    ;;
  stop)
    for n in "${nodes[@]}"; do
      ctl "$n" stop >/dev/null 2>&1 || true
      # The node's VM can outlive the command by a moment; a start right after would find it still there.
      for _ in $(seq 1 60); do pgrep -f -- "-sname herald-$n@localhost" >/dev/null || break; sleep 0.5; done
      pkill -9 -f -- "-sname herald-$n@localhost" 2>/dev/null || true
    done
    rm -rf "$base"
    log "stopped"
    ;;
  stop-node) ctl "$2" stop ;;
  start-node) start_node "$2"; await_node "$2" ;;
  status) ctl 1 cluster_status ;;
  # Each quorum queue of Herald's vhost with its leader, its members and those online, as JSON (asked of node N, 2).
  queues) ctl "${2:-2}" list_queues -p "$vhost" name type leader members online --formatter json ;;
  *) echo "usage: $0 start|stop|stop-node N|start-node N|status|queues [N]" >&2; exit 2 ;;
esac
