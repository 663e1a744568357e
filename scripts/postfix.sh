#!/usr/bin/env bash
# Runs a private Postfix (Debian's package, installed by scripts/setup.sh) for the tests: its own configuration,
# queue and log under DIR, listening on 127.0.0.1:PORT only. It is the relay herald-email sends to:
#   - it delivers the known users of example.test (USERS, comma-separated) to Maildirs under DIR/mail;
#   - it accepts any other user of example.test and then bounces the mail itself, with its own DSN, to the
#     envelope sender;
#   - it routes BOUNCE_DOMAINS (comma-separated: where those DSNs go) to herald-inbound on 127.0.0.1:INBOUND_PORT,
#     and retries every second what got no 250;
#   - it relays nothing else for anyone outside loopback.
# Usage: scripts/postfix.sh start DIR PORT INBOUND_PORT BOUNCE_DOMAINS USERS | scripts/postfix.sh stop DIR
set -euo pipefail

log() { echo "postfix: $*" >&2; }
command -v postfix >/dev/null || { log "postfix is not installed: run scripts/setup.sh"; exit 1; }

action=${1:?start or stop}
dir=$(realpath -m "${2:?DIR}")
etc="$dir/etc"

if [ "$action" = stop ]; then
  [ -f "$etc/main.cf" ] && postfix -c "$etc" stop >/dev/null 2>&1 || true
  exit 0
fi

port=${3:?PORT}
inbound=${4:?INBOUND_PORT}
bounce_domains=${5:?BOUNCE_DOMAINS}
users=${6:-}

[ -f "$etc/main.cf" ] && postfix -c "$etc" stop >/dev/null 2>&1 || true
rm -rf "$dir"
mkdir -p "$etc" "$dir/mail" "$dir/queue" "$dir/data"
cp /etc/postfix/master.cf.proto "$etc/master.cf" 2>/dev/null || cp /etc/postfix/master.cf "$etc/master.cf"
cp /etc/postfix/dynamicmaps.cf "$etc/" 2>/dev/null || true
uid=$(id -u postfix)
gid=$(id -g postfix)
chown postfix:postfix "$dir/mail" "$dir/data"

: > "$etc/mailboxes"
IFS=, read -ra known <<< "$users"
for user in "${known[@]}"; do
  [ -n "$user" ] && echo "$user@example.test $user/" >> "$etc/mailboxes"
done
: > "$etc/transport"
IFS=, read -ra domains <<< "$bounce_domains"
for domain in "${domains[@]}"; do
  echo "$domain smtp:[127.0.0.1]:$inbound" >> "$etc/transport"
done

cat > "$etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.herald.test
mydomain = herald.test
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.test
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$etc/mailboxes
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_minimum_uid = 1
smtpd_reject_unlisted_recipient = no
transport_maps = texthash:$etc/transport
smtp_dns_support_level = disabled
smtp_host_lookup = native
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s
smtp_connect_timeout = 5s
default_process_limit = 20
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
biff = no
smtputf8_enable = no
CONF

# Loopback on PORT, not 25; no chroot (the queue is not where the chroot's /etc copies are).
postconf -c "$etc" -M# smtp/inet
echo "127.0.0.1:$port inet n - n - - smtpd" >> "$etc/master.cf"
postconf -c "$etc" -F '*/*/chroot = n'
postconf -c "$etc" -M postlog/unix-dgram >/dev/null 2>&1 \
  || echo "postlog unix-dgram n - n - 1 postlogd" >> "$etc/master.cf"

postfix -c "$etc" start >/dev/null 2>&1 || { log "could not start: $(tail -1 "$dir/maillog" 2>/dev/null)"; exit 1; }
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { log "up on 127.0.0.1:$port (config $etc)"; exit 0; }
  sleep 0.2
done
log "did not start listening on 127.0.0.1:$port (see $dir/maillog)"
exit 1
