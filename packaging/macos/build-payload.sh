#!/bin/sh
# Build the macOS pkg payload for hardener; runs on Linux or macOS (pkgbuild itself only on macOS).
#
#   packaging/macos/build-payload.sh [OUT_DIR]      (default: dist/macos)
#
# OUT_DIR/root       the payload, installed at /:
#                      /Library/Application Support/hardener/wheels/   hardener + pinned wheels
#                                                                      (arm64, see MAC_PLATFORMS)
#                      /Library/Application Support/hardener/{requirements.lock,uninstall.sh}
#                      /Library/LaunchAgents/io.hardener.agent.plist   rendered from the one
#                                                                      service template
# OUT_DIR/scripts    postinstall (creates the venv offline from the wheels, starts the agent for
#                    the console user)
# OUT_DIR/io.hardener.agent.mobileconfig   example managed policy profile
# OUT_DIR/build-pkg.sh   the pkgbuild (and optional productsign) step, to run on a Mac
#
# Wheels come from the configured pip index at build time; the install needs no network. The
# interpreter is the Mac's Python 3.11+ (python.org framework or Homebrew), found by postinstall.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/dist/macos}
PYTHON=${PYTHON:-python3}
APP="/Library/Application Support/hardener"
LABEL=io.hardener.agent
# Apple silicon. Intel Macs need MAC_PLATFORMS="macosx_12_0_arm64 macosx_12_0_x86_64" and wheels
# for x86_64 of every pin (cryptography 50 publishes none: the build then fails, naming it).
MAC_PLATFORMS=${MAC_PLATFORMS:-macosx_12_0_arm64}

version=$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' "$repo/hardener/_version.py")
rm -rf "$out"
mkdir -p "$out/root$APP/wheels" "$out/root/Library/LaunchAgents" "$out/scripts"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
pip_b() { "$work/venv/bin/python" -m pip -q --disable-pip-version-check "$@"; }
pip_b wheel --no-deps -w "$out/root$APP/wheels" "$repo" >/dev/null
for platform in $MAC_PLATFORMS; do
  pip_b download --no-deps --only-binary=:all: --implementation cp --python-version 3.11 \
    --platform "$platform" -d "$out/root$APP/wheels" -r "$here/requirements.lock" >/dev/null
done
install -m 0644 "$here/requirements.lock" "$out/root$APP/requirements.lock"
install -m 0755 "$here/uninstall.sh" "$out/root$APP/uninstall.sh"
install -m 0755 "$here/postinstall" "$out/scripts/postinstall"
install -m 0644 "$here/io.hardener.agent.mobileconfig" "$out/io.hardener.agent.mobileconfig"

# The LaunchAgent, rendered from hardener's one service template (hardener.service.template).
PYTHONPATH=$repo "$PYTHON" -c '
import sys
from hardener.service import launchd
from hardener.service.template import ServiceDefinition
sys.stdout.buffer.write(launchd.render(ServiceDefinition(argv=(sys.argv[1], "daemon", "run"), scope="global")))
' "$APP/venv/bin/hardener" >"$out/root/Library/LaunchAgents/$LABEL.plist"

cat >"$out/build-pkg.sh" <<PKG
#!/bin/sh
# Run on a Mac in this directory. SIGN_ID: a "Developer ID Installer" identity (optional).
set -eu
cd "\$(dirname "\$0")"
pkgbuild --root root --scripts scripts --identifier $LABEL --version $version \\
  --install-location / --ownership recommended hardener-$version-unsigned.pkg
if [ -n "\${SIGN_ID:-}" ]; then
  productsign --sign "\$SIGN_ID" hardener-$version-unsigned.pkg hardener-$version.pkg
fi
PKG
chmod 0755 "$out/build-pkg.sh"
echo "$out"
