"""Status check ``hooks.installed``: hardener's hook is in the clients the policy names (L2).

Policy ``hooks.required`` lists client ids (``"*"``: every hook-capable client installed for
the user, i.e. whose settings directory exists). A client counts as covered when its user hook
settings or its managed ones carry a ``hardener-hook`` handler for every event hardener uses; a
client that is not installed has nothing to cover. Without a requirement the check is
informational (``required: false``). Reads files only; runs as root for another user.
"""

from __future__ import annotations

from hardener.errors import HardenerError
from hardener.fsutil import read_snapshot
from hardener.hooks.edit import present
from hardener.hooks.targets import CLIENTS, HookTarget, targets
from hardener.status.inputs import StatusInputs
from hardener.status.model import FAIL, PASS, UNKNOWN, Check
from hardener.status.userfiles import UserFiles, foreign_files


def _has_hook(target: HookTarget, files: UserFiles | None = None) -> bool | None:
    try:
        if files is not None and target.scope == "user":  # root: no link to foreign files
            data = files.read(target.path)
        else:
            data = read_snapshot(target.path).data
    except HardenerError:
        return None
    if data is None:
        return False
    try:
        return present(data.decode("utf-8"), target)
    except (UnicodeDecodeError, HardenerError):
        return None


def hooks_installed(inputs: StatusInputs) -> Check:
    wanted: list[str] = list(inputs.settings.hooks.required)
    required = bool(wanted)
    clients = list(CLIENTS) if "*" in wanted or not wanted else wanted
    platform = inputs.target.platform
    try:
        user = {t.client: t for t in targets(platform)}
        managed = {t.client: t for t in targets(platform, managed=True)}
    except HardenerError as exc:
        return Check("hooks.installed", UNKNOWN, exc.message, required=required)
    try:
        files = foreign_files(inputs.target)
    except HardenerError as exc:
        return Check("hooks.installed", UNKNOWN, exc.message, required=required)
    missing: list[str] = []
    unreadable: list[str] = []
    covered: list[str] = []
    for client in clients:
        mine, admin = user.get(client), managed.get(client)
        if admin is not None and _has_hook(admin):
            covered.append(f"{client} (managed)")
            continue
        if mine is None or not mine.path.parent.is_dir():
            continue  # not installed for this user: nothing to hook
        state = _has_hook(mine, files)
        if state is None:
            unreadable.append(str(mine.path))
        elif state:
            covered.append(client)
        else:
            missing.append(client)
    data = {"required": wanted, "covered": covered, "missing": missing}
    if not required:
        detail = (
            f"hooks in {', '.join(covered)} (not required by policy)"
            if covered
            else "no client hook installed (policy hooks.required is empty)"
        )
        return Check("hooks.installed", PASS, detail, required=False, data=data)
    if unreadable:
        return Check(
            "hooks.installed",
            UNKNOWN,
            f"cannot read {', '.join(unreadable)}",
            required=True,
            data={**data, "unreadable": unreadable},
        )
    if missing:
        return Check(
            "hooks.installed",
            FAIL,
            f"hardener's hook is missing in {', '.join(missing)}: run 'hardener hooks install'",
            data=data,
        )
    return Check(
        "hooks.installed",
        PASS,
        f"hooks in {', '.join(covered)}" if covered else "no required client is installed",
        data=data,
    )
