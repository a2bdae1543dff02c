"""The shim's light path computation agrees with hardener.paths, the reference."""

from __future__ import annotations

import pytest

from hardener.paths import OS, Platform, hardener_paths, managed_policy_location
from hardener.shim.locate import locate

ENVS = [
    {"HOME": "/home/ann"},
    {"HOME": "/home/ann/", "USER": "ann"},
    {"HOME": "/home/ann", "XDG_STATE_HOME": "/srv/state", "XDG_CONFIG_HOME": "/srv/conf/"},
    {"HOME": "/home/ann", "XDG_STATE_HOME": "relative/ignored", "XDG_CONFIG_HOME": ""},
    {"HOME": "/Users/with space", "USER": "with space"},
]


@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize(("os_name", "platform"), [(OS.LINUX, "linux"), (OS.MACOS, "darwin")])
def test_same_answers_as_hardener_paths(env: dict[str, str], os_name: OS, platform: str) -> None:
    reference = hardener_paths(Platform(os_name, env))
    managed = managed_policy_location(Platform(os_name, env), env.get("USER"))
    light = locate(env, platform)
    assert light.state_dir == str(reference.state_dir)
    assert light.user_policy_file == str(reference.user_policy_file)
    assert light.managed_files == [str(p) for p in managed.files]


def test_no_home_means_no_state_dir() -> None:
    assert locate({}, "linux").state_dir is None
    assert locate({}, "linux").state("x") is None
