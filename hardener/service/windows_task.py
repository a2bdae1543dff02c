"""Render the agent as a Windows Task Scheduler "at log on" task (L2 service).

A per-user logon task (not a service): a LocalSystem service cannot read the user's Credential
Manager vault. User scope: triggered by and running as this user; global scope: triggered by any
user's logon, running as that user (the Users group, ``S-1-5-32-545``). Registered with
``schtasks /Create /XML``; the XML is UTF-16 as Task Scheduler expects.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from hardener.paths import Platform
from hardener.service.template import ServiceDefinition

NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
USERS_GROUP_SID = "S-1-5-32-545"


def task_name(definition: ServiceDefinition) -> str:
    if definition.scope == "global":
        return f"\\{definition.unit_name}\\agent"
    user = (definition.windows_user or "user").rsplit("\\", 1)[-1]
    return f"\\{definition.unit_name}\\agent-{user}"


def task_xml_path(platform: Platform, definition: ServiceDefinition) -> Path:
    if definition.scope == "global":
        base = platform.env.get("PROGRAMDATA") or "C:\\ProgramData"
        return platform.path(base, definition.unit_name, "agent-task.xml")
    return platform.path(platform.localappdata, definition.unit_name, "agent-task.xml")


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def render(definition: ServiceDefinition) -> bytes:
    ET.register_namespace("", NAMESPACE)
    task = ET.Element(f"{{{NAMESPACE}}}Task", {"version": "1.2"})
    info = _sub(task, "RegistrationInfo")
    _sub(info, "Description", definition.description)
    _sub(info, "URI", task_name(definition))
    trigger = _sub(_sub(task, "Triggers"), "LogonTrigger")
    _sub(trigger, "Enabled", "true")
    principal = _sub(_sub(task, "Principals"), "Principal")
    principal.set("id", "Author")
    if definition.scope == "global":
        _sub(principal, "GroupId", USERS_GROUP_SID)
    else:
        user = definition.windows_user or ""
        trigger.insert(1, _element("UserId", user))
        _sub(principal, "UserId", user)
        _sub(principal, "LogonType", "InteractiveToken")
    _sub(principal, "RunLevel", "LeastPrivilege")
    settings = _sub(task, "Settings")
    for tag, text in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("AllowHardTerminate", "true"),
        ("StartWhenAvailable", "true"),
        ("AllowStartOnDemand", "true"),
        ("Enabled", "true"),
        ("Hidden", "true"),
        ("ExecutionTimeLimit", "PT0S"),
    ):
        _sub(settings, tag, text)
    restart = _sub(settings, "RestartOnFailure")
    _sub(restart, "Interval", f"PT{max(1, definition.restart_seconds // 60)}M")
    _sub(restart, "Count", "999")
    actions = _sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = _sub(actions, "Exec")
    _sub(exec_, "Command", definition.argv[0])
    if len(definition.argv) > 1:
        _sub(exec_, "Arguments", subprocess.list2cmdline(list(definition.argv[1:])))
    ET.indent(task)
    body = ET.tostring(task, encoding="unicode")
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + body + "\n"
    return text.encode("utf-16")


def _element(tag: str, text: str) -> ET.Element:
    element = ET.Element(f"{{{NAMESPACE}}}{tag}")
    element.text = text
    return element


def install_commands(platform: Platform, definition: ServiceDefinition) -> list[list[str]]:
    xml_path = str(task_xml_path(platform, definition))
    create = ["schtasks", "/Create", "/TN", task_name(definition), "/XML", xml_path, "/F"]
    if definition.scope == "global":
        return [create]
    return [create, ["schtasks", "/Run", "/TN", task_name(definition)]]


def uninstall_commands(platform: Platform, definition: ServiceDefinition) -> list[list[str]]:
    return [
        ["schtasks", "/End", "/TN", task_name(definition)],
        ["schtasks", "/Delete", "/TN", task_name(definition), "/F"],
    ]
