#!/usr/bin/env bash
# Links the roles' old names (herald-api, herald-renderer, …, heraldctl) to the one program, herald, in DIR: under
# such a name herald runs that role. Kept for one release, so that units and scripts written for the separate
# executables keep working; new ones should say `herald api`, `herald ctl …`.
#   bash scripts/link-roles.sh DIR
set -euo pipefail
dir=${1:?usage: link-roles.sh DIR (the folder holding herald)}
[ -x "$dir/herald" ] || { echo "link-roles: $dir/herald is not an executable" >&2; exit 1; }
for name in herald-api herald-renderer herald-email herald-sms herald-poller herald-digest herald-callbacks \
    herald-inbound herald-sandbox heraldctl; do
  ln -sfn herald "$dir/$name"
done
