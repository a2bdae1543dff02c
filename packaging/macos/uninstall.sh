#!/bin/sh
# Uninstall hardener from a Mac (run as root by the MDM, e.g. a Jamf policy script):
#
#   "/Library/Application Support/hardener/uninstall.sh" [--purge] [--force]
#
# For every user with hardener state: stop their agent, then put their client configs back byte
# for byte (`hardener restore --yes`, run as that user). If a restore fails, nothing is removed and
# the exit code is 1 (the configs still point at an installed shim); --force removes anyway.
# --purge also deletes each user's hardener state, only when the managed policy allows it
# (uninstall.purge_state = true in the io.hardener.agent profile). Then the LaunchAgent, the
# files and the pkg receipt go.
set -eu

APP="/Library/Application Support/hardener"
LABEL=io.hardener.agent
PLIST=/Library/LaunchAgents/$LABEL.plist
HARDENER="$APP/bin/hardener"
purge=0
force=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    --force) force=1 ;;
    *) echo "usage: uninstall.sh [--purge] [--force]" >&2; exit 2 ;;
  esac
done

# name uid home, for accounts (uid >= 500) with hardener state
users() {
  dscl . -list /Users UniqueID | while read -r name uid; do
    [ "$uid" -ge 500 ] 2>/dev/null || continue
    home=$(dscl . -read "/Users/$name" NFSHomeDirectory 2>/dev/null | awk '{ print $2 }')
    if [ -n "$home" ] && [ -d "$home/Library/Application Support/hardener" ]; then
      echo "$name $uid $home"
    fi
  done
}

as_user() {
  uid=$1 name=$2
  shift 2
  launchctl asuser "$uid" sudo -u "$name" -H "$@"
}

purge_allowed() {
  "$HARDENER" policy show --json 2>/dev/null | "$APP/venv/bin/python" -c '
import json, sys
setting = json.load(sys.stdin)["settings"].get("uninstall.purge_state", {})
sys.exit(0 if setting.get("value") is True and str(setting.get("source", "")).startswith("managed") else 1)
'
}

failed=""
list=$(users)
if [ -x "$HARDENER" ]; then
  while read -r name uid home; do
    [ -n "$name" ] || continue
    launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true
    as_user "$uid" "$name" "$HARDENER" -q daemon stop --timeout 60 || true
    as_user "$uid" "$name" "$HARDENER" -q restore --yes || failed="$failed $name"
  done <<LIST
$list
LIST
fi
if [ -n "$failed" ] && [ "$force" != 1 ]; then
  echo "hardener uninstall: restoring failed for:$failed; nothing removed (--force to remove anyway)" >&2
  exit 1
fi
if [ "$purge" = 1 ] && [ -x "$HARDENER" ] && purge_allowed; then
  while read -r name uid home; do
    [ -n "$name" ] || continue
    as_user "$uid" "$name" rm -rf -- "$home/Library/Application Support/hardener"
  done <<LIST
$list
LIST
fi
rm -f "$PLIST" /usr/local/bin/hardener /usr/local/bin/hardener-shim
rm -rf "$APP"
pkgutil --forget "$LABEL" >/dev/null 2>&1 || true
exit 0
