"""Render the agent as a ``systemd --user`` unit (L2 service).

User scope: ``$XDG_CONFIG_HOME/systemd/user/hardener.service`` enabled with
``systemctl --user enable --now``. Global scope: ``/etc/systemd/user/hardener.service`` enabled for
every user with ``systemctl --global enable`` (it starts at each user's next login); the .deb
ships the same rendering as ``/usr/lib/systemd/user/hardener.service`` instead.
"""

from __future__ import annotations

from pathlib import Path

from hardener.paths import Platform
from hardener.service.template import ServiceDefinition

GLOBAL_DIR = "/etc/systemd/user"
#: Where the .deb ships its unit (packaging/linux/build-deb.sh); a unit in GLOBAL_DIR overrides it.
VENDOR_DIR = "/usr/lib/systemd/user"


def quote(arg: str) -> str:
    """One ExecStart word: double-quoted, with systemd's specifier and variable escapes."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def unit_file_name(definition: ServiceDefinition) -> str:
    return f"{definition.unit_name}.service"


def unit_path(platform: Platform, definition: ServiceDefinition) -> Path:
    if definition.scope == "global":
        return platform.path(GLOBAL_DIR, unit_file_name(definition))
    return platform.path(platform.xdg_config_home, "systemd", "user", unit_file_name(definition))


def vendor_unit_path(platform: Platform, definition: ServiceDefinition) -> Path:
    return platform.path(VENDOR_DIR, unit_file_name(definition))


def render(definition: ServiceDefinition) -> str:
    exec_start = " ".join(quote(arg) for arg in definition.argv)
    return "\n".join(
        [
            "# Rendered by 'hardener daemon install'; reinstalling overwrites local edits.",
            "[Unit]",
            f"Description={definition.description}",
            "StartLimitIntervalSec=300",
            "StartLimitBurst=10",
            "",
            "[Service]",
            "Type=simple",
            f"ExecStart={exec_start}",
            "Restart=on-failure",
            f"RestartSec={definition.restart_seconds}",
            "# Exit 3 with the lock held elsewhere means another agent already runs.",
            f"RestartPreventExitStatus={definition.no_restart_exit}",
            "KillSignal=SIGTERM",
            f"TimeoutStopSec={definition.stop_timeout_seconds}",
            "UMask=0077",
            "NoNewPrivileges=yes",
            "Environment=PYTHONUNBUFFERED=1",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
    )


def install_commands(definition: ServiceDefinition) -> list[list[str]]:
    name = unit_file_name(definition)
    if definition.scope == "global":
        return [["systemctl", "--global", "enable", name]]
    return [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", name],
    ]


def uninstall_commands(definition: ServiceDefinition) -> list[list[str]]:
    name = unit_file_name(definition)
    if definition.scope == "global":
        return [["systemctl", "--global", "disable", name]]
    return [["systemctl", "--user", "disable", "--now", name]]


def after_uninstall_commands(definition: ServiceDefinition) -> list[list[str]]:
    if definition.scope == "global":
        return []
    return [["systemctl", "--user", "daemon-reload"]]
