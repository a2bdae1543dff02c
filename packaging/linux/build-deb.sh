#!/bin/sh
# Build the hardener .deb with standard tools: python3 -m venv, pip, dpkg-deb.
#
#   packaging/linux/build-deb.sh [OUT_DIR]        (default: dist/)
#
# The package is self-contained under /opt/hardener: a virtual environment made with the system
# interpreter (/usr/bin/python3.X, the package's only runtime dependency besides libc) holding the
# hardener wheel and the exact pins of packaging/linux/requirements.lock. Everything is installed
# at BUILD time into a staging root and relocated to its final path (relocate_venv.py), so
# installing the .deb never touches the network. Needs network (or a pip index/wheel cache) here,
# at build time only.
#
# PYTHON selects the interpreter (default /usr/bin/python3: it must be the one the target machines
# have, since the venv links to it and holds its byte-code and compiled extensions).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/dist}
PYTHON=${PYTHON:-/usr/bin/python3}
PREFIX=/opt/hardener
VENV=$PREFIX/venv

for tool in dpkg-deb dpkg "$PYTHON"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-deb: $tool is missing" >&2; exit 1; }
done
py_minor=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case "$py_minor" in
  3.1[1-9]) ;;
  *) echo "build-deb: $PYTHON is Python $py_minor; hardener needs 3.11 or newer" >&2; exit 1 ;;
esac
# Link the venv to the versioned interpreter: its site-packages is lib/python$py_minor.
interpreter=/usr/bin/python$py_minor
[ -x "$interpreter" ] || { echo "build-deb: $interpreter is missing" >&2; exit 1; }
version=$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' "$repo/hardener/_version.py")
arch=$(dpkg --print-architecture)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
mkdir -p "$stage" "$work/wheel" "$out"

echo "build-deb: venv at $VENV (staged), wheel of hardener $version, pinned dependencies" >&2
"$interpreter" -m venv "$stage$VENV"
pip_in() { "$stage$VENV/bin/python" -m pip -q --disable-pip-version-check "$@"; }
pip_in wheel --no-deps -w "$work/wheel" "$repo" >/dev/null
wheel=$(ls "$work"/wheel/hardener-*.whl)
pip_in install --no-compile --only-binary=:all: --no-deps -r "$here/requirements.lock"
pip_in install --no-compile --no-deps "$wheel"
pip_in check
# pip itself is not needed at run time: nothing installs into the package's venv later.
pip_in uninstall -y pip
rm -f "$stage$VENV"/bin/activate* "$stage$VENV"/bin/Activate.ps1
"$stage$VENV/bin/python" "$here/relocate_venv.py" "$stage" "$VENV"

mkdir -p "$stage$PREFIX/bin" "$stage/usr/bin" "$stage/usr/lib/systemd/user" \
  "$stage/usr/share/doc/hardener" "$stage/usr/lib/hardener"
for cmd in hardener hardener-shim; do
  ln -s "../venv/bin/$cmd" "$stage$PREFIX/bin/$cmd"
  ln -s "$PREFIX/bin/$cmd" "$stage/usr/bin/$cmd"
done

# The systemd user unit, rendered from hardener's one service template (hardener.service.template).
"$stage$VENV/bin/python" -c '
import sys
from hardener.service import systemd
from hardener.service.template import ServiceDefinition
sys.stdout.write(systemd.render(ServiceDefinition(argv=(sys.argv[1], "daemon", "run"), scope="global")))
' "$VENV/bin/hardener" >"$stage/usr/lib/systemd/user/hardener.service"
# The per-user steps the maintainer scripts run (shared by prerm, postrm and administrators).
install -m 0755 "$here/hardener-users" "$stage/usr/lib/hardener/hardener-users"
install -m 0644 "$here/policy.toml.example" "$stage/usr/share/doc/hardener/policy.toml.example"
install -m 0644 "$repo/packaging/README.md" "$stage/usr/share/doc/hardener/README.packaging.md"

mkdir -p "$stage/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$stage/DEBIAN/$script"
done
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: hardener
Version: $version
Architecture: $arch
Maintainer: hardener maintainers <hardener@example.invalid>
Installed-Size: $size
Depends: python$py_minor, libc6
Suggests: gnome-keyring, dbus-user-session
Section: admin
Priority: optional
Homepage: https://example.invalid/hardener
Description: audit shim and tamper-evident log for the MCP servers of AI clients
 Per-user agent (systemd user unit, enabled for every user) that wraps every MCP
 server entry of every AI client config so the client launches the audit shim,
 repairs drift, and seals what the shims record into a keychain-keyed ledger.
 'hardener status --all-users' is the compliance check for MDMs (run as root).
 Self-contained under /opt/hardener (own virtual environment, pinned packages).
EOF

# Reproducible-ish and root-owned regardless of who builds it.
deb=$out/hardener_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
