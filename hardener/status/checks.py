"""The compliance checks, one function per stable check id (L2 service).

Each check reads :class:`~hardener.status.inputs.StatusInputs` and returns a
:class:`~hardener.status.model.Check`: pass, fail, or unknown when it cannot tell (which counts
against compliance: fail closed). Details are one line for people; ``data`` lists exceptions.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
from collections.abc import Callable
from pathlib import Path

import psutil

from hardener._version import __version__
from hardener.daemon.alertlog import HIGH
from hardener.daemon.heartbeat import Heartbeat
from hardener.daemon.selfcheck import TAMPER_REASONS
from hardener.errors import HardenerError
from hardener.processes import find_restart_needed, find_unshimmed
from hardener.status.hookcheck import hooks_installed
from hardener.status.inputs import LedgerStatus, StatusInputs
from hardener.status.model import FAIL, PASS, UNKNOWN, Check

#: Heartbeat slack on top of two beat intervals before the agent counts as hung.
HEARTBEAT_SLACK_SECONDS = 10.0
MAX_LISTED = 20


def _live_heartbeat(inputs: StatusInputs) -> tuple[Heartbeat | None, str]:
    """The heartbeat if it comes from a live agent, else None and why not."""
    beat = inputs.heartbeat
    if beat is None and inputs.heartbeat_problem:
        return None, inputs.heartbeat_problem
    if beat is None:
        return None, f"no status cache at {inputs.paths.public_dir}: the agent has not run"
    if beat["state"] == "stopped":
        return None, f"the agent stopped at {beat['updated_at']}"
    pid = beat["pid"]
    created = beat.get("process_create_time")
    try:
        proc = psutil.Process(pid)
        alive = created is None or abs(proc.create_time() - created) < 1.0
    except (psutil.Error, ValueError):
        alive = False
    if not alive:
        return None, f"the agent (pid {pid}) is gone; last heartbeat {beat['updated_at']}"
    age = max(0.0, inputs.now - beat["updated_unix"])
    interval = beat["heartbeat_seconds"] or 30.0
    if age > 2 * interval + HEARTBEAT_SLACK_SECONDS:
        return None, f"the agent (pid {pid}) has not written a heartbeat for {age:.0f} s"
    return beat, f"pid {pid}, heartbeat {age:.0f} s ago"


def agent_version(inputs: StatusInputs) -> Check:
    beat, _ = _live_heartbeat(inputs)
    running = beat["version"] if beat else None
    if running and running != __version__:
        return Check(
            "agent.version",
            FAIL,
            f"the running agent is {running} but {__version__} is installed: restart the agent",
        )
    return Check("agent.version", PASS, f"hardener {__version__}")


def agent_running(inputs: StatusInputs) -> Check:
    beat, why = _live_heartbeat(inputs)
    return Check("agent.running", PASS if beat else FAIL, why)


def policy_source(inputs: StatusInputs) -> Check:
    policy = inputs.policy_or_error
    if isinstance(policy, HardenerError):
        return Check("policy.source", FAIL, f"invalid policy: {policy.message}")
    sources = [f"{s.kind}: {s.label}" for s in policy.sources] or ["built-in defaults"]
    mode = policy.settings.mode
    return Check(
        "policy.source",
        PASS,
        f"{'; '.join(sources)} (mode {mode})",
        data={"sources": [s.describe() for s in policy.sources], "mode": mode},
    )


def clients_wrapped(inputs: StatusInputs) -> Check:
    inventory = inputs.inventory
    if isinstance(inventory, str):
        return Check("clients.wrapped", UNKNOWN, inventory)
    exceptions: list[str] = []
    for server in inventory.servers:
        where = f"{server.client}/{server.server} in {server.config}"
        if server.exempt:
            continue
        if server.state == "wrapped":
            if server.shim and not Path(server.shim).exists():
                exceptions.append(f"{where}: its shim {server.shim} does not exist")
        else:
            note = f" ({server.note})" if server.note else ""
            exceptions.append(f"{where}: {server.state}{note}")
    exceptions += [f"unreadable: {e}" for e in inventory.errors]
    exceptions += [f"unseen: {e}" for e in inventory.unseen]
    wrapped = sum(1 for s in inventory.servers if s.state == "wrapped")
    total = len(inventory.servers)
    if exceptions:
        head = "; ".join(exceptions[:3]) + (" …" if len(exceptions) > 3 else "")
        return Check(
            "clients.wrapped",
            FAIL,
            f"{len(exceptions)} exception(s): {head}",
            data={"exceptions": exceptions[:MAX_LISTED], "wrapped": wrapped, "servers": total},
        )
    if total == 0:
        return Check(
            "clients.wrapped",
            UNKNOWN,
            f"no MCP server found in any client config ({inventory.files_read} file(s) read): "
            "nothing is known to be audited",
            data={"wrapped": 0, "servers": 0, "files_read": inventory.files_read},
        )
    return Check(
        "clients.wrapped",
        PASS,
        f"{wrapped} of {total} server(s) run through the shim",
        data={"wrapped": wrapped, "servers": total},
    )


def _b64_sha256(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def recorded_shim_hash(installed: Path) -> str | None:
    """The shim's hash in the installed package's RECORD (None when not recorded)."""
    try:
        files = importlib.metadata.files("hardener") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name in (installed.name,) and entry.hash is not None:
            try:
                if Path(str(entry.locate())).resolve() == installed.resolve():
                    return str(entry.hash.value)
            except OSError:
                continue
    return None


def shim_integrity(inputs: StatusInputs) -> Check:
    inventory = inputs.inventory
    if isinstance(inventory, str):
        return Check("shim.integrity", UNKNOWN, inventory)
    if inventory.installed_shim is None:
        return Check(
            "shim.integrity", FAIL, inventory.shim_error or "hardener-shim is not installed"
        )
    installed = Path(inventory.installed_shim)
    try:
        actual = _b64_sha256(installed)
    except OSError as exc:
        return Check("shim.integrity", FAIL, f"cannot read {installed}: {exc.strerror or exc}")
    recorded = recorded_shim_hash(installed)
    if recorded is not None and recorded != actual:
        return Check(
            "shim.integrity",
            FAIL,
            f"{installed} differs from the installed package's record (sha256 {actual})",
        )
    problems = []
    for shim in sorted({s.shim for s in inventory.servers if s.state == "wrapped" and s.shim}):
        path = Path(shim)
        try:
            same = path.resolve() == installed.resolve() or _b64_sha256(path) == actual
        except OSError:
            problems.append(f"{shim} is missing")
            continue
        if not same:
            problems.append(f"{shim} is not the installed shim")
    if problems:
        return Check("shim.integrity", FAIL, "; ".join(problems[:3]), data={"problems": problems})
    basis = "package record" if recorded else "installed file"
    return Check("shim.integrity", PASS, f"{installed} matches the {basis} (sha256 {actual[:16]}…)")


def _ledger(inputs: StatusInputs, check_id: str) -> Check | LedgerStatus:
    ledger = inputs.ledger
    if isinstance(ledger, str):
        return Check(check_id, UNKNOWN, ledger)
    if not ledger.exists:
        return Check(check_id, FAIL, ledger.problem or "no ledger yet: the agent has never sealed")
    return ledger


def audit_chain(inputs: StatusInputs) -> Check:
    ledger = _ledger(inputs, "audit.chain")
    if isinstance(ledger, Check):
        return ledger
    if ledger.intact is None:
        return Check("audit.chain", UNKNOWN, ledger.problem or "cannot verify the ledger")
    if ledger.reason in TAMPER_REASONS:
        return Check("audit.chain", FAIL, f"TAMPERED ({ledger.reason}): {ledger.problem}")
    note = ""
    if ledger.reason == "torn":
        note = "; a torn last line (a crash) waits for the agent to repair it"
    return Check(
        "audit.chain",
        PASS,
        f"intact through seq {ledger.seq} ({ledger.verified_records} record(s) verified since "
        f"the last verified checkpoint){note}",
    )


def audit_anchored(inputs: StatusInputs) -> Check:
    ledger = _ledger(inputs, "audit.anchored")
    if isinstance(ledger, Check):
        return ledger
    if ledger.intact is None:
        return Check("audit.anchored", UNKNOWN, ledger.problem or "cannot verify the ledger")
    if ledger.reason == "truncated":
        return Check("audit.anchored", FAIL, f"the tail was cut: {ledger.problem}")
    if ledger.reason == "deleted":
        return Check("audit.anchored", FAIL, f"nothing is left to anchor: {ledger.problem}")
    if ledger.reason == "stale":
        return Check("audit.anchored", FAIL, ledger.problem)
    if ledger.anchor == "missing":
        return Check(
            "audit.anchored", FAIL, "the keychain holds no anchor for this log (replaced keychain?)"
        )
    if ledger.anchor == "ok":
        return Check(
            "audit.anchored", PASS, f"tail anchored; keychain anchor at seq {ledger.anchor_seq}"
        )
    if ledger.anchor == "none":
        return Check("audit.anchored", PASS, "no checkpoint yet (new ledger)")
    return Check(
        "audit.anchored",
        PASS,
        "every record is covered by a recent signed checkpoint (public keys only; the keychain "
        "anchor is checked in the user's own session)",
    )


def audit_fresh(inputs: StatusInputs) -> Check:
    ledger = _ledger(inputs, "audit.fresh")
    if isinstance(ledger, Check):
        return ledger
    beat, why = _live_heartbeat(inputs)
    if beat is None:
        return Check("audit.fresh", FAIL, f"nothing is sealing: {why}")
    sealing = beat["sealing"]
    if not sealing["ok"]:
        return Check("audit.fresh", FAIL, f"sealing stopped: {sealing['problem'] or '?'}")
    return Check("audit.fresh", PASS, f"the agent is sealing (head seq {ledger.seq})")


def keystore_backend(inputs: StatusInputs) -> Check:
    allow = inputs.settings.keychain.allow_insecure_backend
    beat, _ = _live_heartbeat(inputs)
    sealing = beat["sealing"] if beat is not None else None
    backend = sealing.get("backend") if sealing is not None else None
    if sealing is not None and backend:
        if not sealing["ok"]:
            return Check("keystore.backend", FAIL, f"{backend}: {sealing['problem']}")
        if sealing.get("backend_real"):
            return Check("keystore.backend", PASS, f"{backend} (in use by the agent)")
        if allow:
            return Check("keystore.backend", PASS, f"{backend}: insecure, allowed by policy")
        return Check("keystore.backend", FAIL, f"{backend} is not a real OS keychain")
    if sealing is not None and sealing["problem"]:
        return Check("keystore.backend", FAIL, sealing["problem"])
    if not inputs.target.own:
        return Check(
            "keystore.backend",
            UNKNOWN,
            "the agent is not running and this is not "
            "the user's session: the keychain cannot be inspected",
        )
    from hardener.keystore import open_keystore

    try:
        store = open_keystore(allow_insecure=allow)
    except HardenerError as exc:
        return Check("keystore.backend", FAIL, exc.message)
    info = store.info
    if info.real:
        return Check("keystore.backend", PASS, f"{info.name}")
    return Check("keystore.backend", PASS, f"{info.name}: insecure, allowed by policy")


def export_healthy(inputs: StatusInputs) -> Check:
    targets = inputs.settings.export.targets
    if not targets:
        return Check("export.healthy", PASS, "no export target configured")
    beat, why = _live_heartbeat(inputs)
    export = beat.get("export") if beat is not None else None
    if export is None:
        return Check(
            "export.healthy", UNKNOWN, f"{len(targets)} target(s); no export report ({why})"
        )
    failing = {name: state["problem"] for name, state in export.items() if not state["ok"]}
    if failing:
        listed = [f"{name} ({problem or '?'})" for name, problem in sorted(failing.items())]
        return Check(
            "export.healthy",
            FAIL,
            f"export failing: {'; '.join(listed[:3])}",
            data={"failing": sorted(failing)[:MAX_LISTED]},
        )
    return Check("export.healthy", PASS, f"{len(export)} target(s) exporting")


def processes_unshimmed(inputs: StatusInputs) -> Check:
    procs = inputs.processes
    if isinstance(procs, str):
        return Check("processes.unshimmed", UNKNOWN, procs)
    inventory = inputs.inventory
    if isinstance(inventory, str):
        return Check("processes.unshimmed", UNKNOWN, inventory)
    found = find_unshimmed(procs, inputs.server_commands())
    if found:
        listed = [f.describe() for f in found]
        return Check(
            "processes.unshimmed",
            FAIL,
            f"{len(found)} MCP server process(es) outside the shim: {'; '.join(listed[:3])}",
            data={"processes": listed[:MAX_LISTED]},
        )
    return Check("processes.unshimmed", PASS, "no configured MCP server runs outside the shim")


def clients_restart(inputs: StatusInputs) -> Check:
    procs = inputs.processes
    inventory = inputs.inventory
    if isinstance(procs, str) or isinstance(inventory, str):
        reason = procs if isinstance(procs, str) else str(inventory)
        return Check("clients.restart", UNKNOWN, reason, required=False)
    found = find_restart_needed(procs, inventory.hardened_at, inventory.process_names)
    if found:
        listed = [f.describe() for f in found]
        return Check(
            "clients.restart",
            FAIL,
            f"restart to pick up the hardened config: {'; '.join(listed[:3])}",
            required=False,
            data={"clients": listed[:MAX_LISTED]},
        )
    return Check("clients.restart", PASS, "no client predates its hardened config", required=False)


def alerts_open(inputs: StatusInputs) -> Check:
    required = inputs.settings.status.fail_on_open_alerts
    beat = inputs.heartbeat
    alerts = beat.get("alerts") if beat is not None else None
    if alerts is None:
        why = inputs.heartbeat_problem or "no alert summary from the agent"
        return Check("alerts.open", UNKNOWN, why, required=required)
    count = alerts["high_24h"]
    if count:
        rules = ", ".join(sorted({a["rule"] for a in alerts["recent"] if a["severity"] in HIGH}))
        return Check(
            "alerts.open",
            FAIL,
            f"{count} high-severity alert(s) in the last 24 h ({rules}); see 'hardener alerts'",
            required=required,
        )
    return Check("alerts.open", PASS, "no high-severity alert in the last 24 h", required=required)


CHECKS: tuple[Callable[[StatusInputs], Check], ...] = (
    agent_version,
    agent_running,
    policy_source,
    clients_wrapped,
    shim_integrity,
    audit_chain,
    audit_anchored,
    audit_fresh,
    keystore_backend,
    export_healthy,
    processes_unshimmed,
    clients_restart,
    alerts_open,
    hooks_installed,
)
