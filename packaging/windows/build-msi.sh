#!/bin/sh
# Build the hardener MSI (Windows x64) on Linux with wixl (Debian: msitools/wixl) or WiX 3 (candle
# + light) on Windows.
#
#   packaging/windows/build-msi.sh [OUT_DIR]      (default: dist/windows)
#
# The MSI installs to %ProgramFiles%\hardener: the hardener wheel and the pinned win_amd64 wheels
# (packaging/windows/requirements.lock), install.ps1/uninstall.ps1, and the Intune scripts. Its
# install step (a deferred custom action, LocalSystem) runs install.ps1: a venv made offline from
# those wheels with the machine's Python 3.11+, then the "at log on" task for every user. Its
# removal step runs uninstall.ps1 first: agents stopped, every user's configs restored.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/dist/windows}
mkdir -p "$out"
out=$(cd "$out" && pwd)
PYTHON=${PYTHON:-python3}
command -v wixl >/dev/null 2>&1 || { echo "build-msi: wixl is missing (apt-get install wixl)" >&2; exit 1; }

version=$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' "$repo/hardener/_version.py")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
mkdir -p "$stage/wheels" "$stage/intune" "$out"

"$PYTHON" -m venv "$work/venv"
pip_b() { "$work/venv/bin/python" -m pip -q --disable-pip-version-check "$@"; }
pip_b wheel --no-deps -w "$stage/wheels" "$repo" >/dev/null
pip_b download --no-deps --only-binary=:all: --implementation cp --python-version 3.11 \
  --platform win_amd64 -d "$stage/wheels" -r "$here/requirements.lock" >/dev/null
cp "$here/requirements.lock" "$here/install.ps1" "$here/uninstall.ps1" "$stage/"
cp "$repo/packaging/intune/"*.ps1 "$repo/packaging/intune/compliance-rules.json" "$stage/intune/"

"$PYTHON" "$here/make_wxs.py" "$stage" "$version" >"$work/hardener.wxs"
cp "$work/hardener.wxs" "$out/hardener.wxs"
msi=$out/hardener-$version-x64.msi
(cd "$stage" && wixl -a x64 -o "$msi" "$work/hardener.wxs")
echo "$msi"
