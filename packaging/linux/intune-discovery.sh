#!/bin/sh
# Intune custom compliance discovery script (Linux): prints one line of compact JSON and exits 0;
# the compliance rules (compliance-rules.json) decide. Nothing on stderr, never prompts.
HARDENER=${HARDENER:-/opt/hardener/bin/hardener}
if [ ! -x "$HARDENER" ]; then
  echo '{"compliant":false,"verdict":"not-installed"}'
  exit 0
fi
"$HARDENER" status --format intune --all-users 2>/dev/null | tail -n 1
exit 0
