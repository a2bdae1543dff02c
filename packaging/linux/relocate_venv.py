"""Make a virtual environment built under a staging root valid at its final path (build tool).

``build-deb.sh`` creates the venv at ``<stage>/opt/hardener/venv`` with the system interpreter and
installs the wheels there; this script then rewrites what pip made absolute:

- console-script shebangs in ``bin/`` (``#!<stage>/opt/hardener/venv/bin/python``) and the
  ``VIRTUAL_ENV`` value in the activate scripts, to the final prefix;
- the hashes and sizes of those rewritten files in each ``*.dist-info/RECORD`` (``hardener status``
  checks the installed shim against its RECORD entry: ``shim.integrity``);
- ``pyvenv.cfg``'s informational ``command`` line;
- byte-code compiled with the final paths in tracebacks (``compileall -s <stage> -p /``).

It fails when any file still names the staging root afterwards, so a broken relocation never
becomes a package. Usage: ``python relocate_venv.py STAGE_ROOT FINAL_VENV`` (e.g. ``/opt/hardener/venv``).
"""

from __future__ import annotations

import base64
import compileall
import csv
import hashlib
import io
import sys
from pathlib import Path


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _rewrite_text_files(venv: Path, old: bytes, new: bytes) -> dict[Path, bytes]:
    changed: dict[Path, bytes] = {}
    for path in sorted((venv / "bin").iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if old in data:
            data = data.replace(old, new)
            path.write_bytes(data)
            changed[path] = data
    cfg = venv / "pyvenv.cfg"
    text = cfg.read_bytes()
    if old in text:
        cfg.write_bytes(text.replace(old, new))
    return changed


def _update_records(venv: Path, changed: dict[Path, bytes]) -> int:
    updated = 0
    for record in venv.glob("lib/python*/site-packages/*.dist-info/RECORD"):
        rows = list(csv.reader(io.StringIO(record.read_text(encoding="utf-8"))))
        dirty = False
        for row in rows:
            if not row:
                continue
            target = (record.parent.parent / row[0]).resolve()
            data = changed.get(target)
            if data is not None:
                row[1], row[2] = _record_hash(data), str(len(data))
                dirty = True
                updated += 1
        if dirty:
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            record.write_text(out.getvalue(), encoding="utf-8")
    return updated


def _leftovers(venv: Path, old: bytes) -> list[Path]:
    bad = []
    for path in venv.rglob("*"):
        if path.is_symlink():
            if old.decode() in str(path.readlink()):
                bad.append(path)
        elif path.is_file() and old in path.read_bytes():
            bad.append(path)
    return bad


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    stage, final = Path(argv[1]).resolve(), Path(argv[2])
    venv = stage / final.relative_to("/")
    old, new = str(venv).encode(), str(final).encode()
    changed = _rewrite_text_files(venv, old, new)
    updated = _update_records(venv, {p.resolve(): d for p, d in changed.items()})
    for pycache in venv.rglob("__pycache__"):
        for pyc in pycache.glob("*.pyc"):
            pyc.unlink()
    site = next(venv.glob("lib/python*/site-packages"))
    ok = compileall.compile_dir(
        str(site), quiet=1, stripdir=str(stage), prependdir="/", workers=1, force=True
    )
    if not ok:
        print("relocate: byte-compiling failed", file=sys.stderr)
        return 1
    bad = _leftovers(venv, old)
    if bad:
        print("relocate: files still name the staging root:", file=sys.stderr)
        for path in bad[:20]:
            print(f"  {path}", file=sys.stderr)
        return 1
    print(
        f"relocate: {len(changed)} scripts rewritten, {updated} RECORD rows updated",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
