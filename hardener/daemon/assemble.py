"""Build the agent from the environment: policy, sealing, drift, detection, processes (L2 service).

The only place that knows which concrete component implements each part of the loop, so tests can
build an :class:`~hardener.daemon.agent.Agent` with their own parts instead.
"""

from __future__ import annotations

import getpass

from hardener.daemon.agent import Agent
from hardener.daemon.detection import Detection
from hardener.daemon.drift import DriftGuard
from hardener.daemon.hookwatch import HookRepair
from hardener.daemon.ledgerfeed import LedgerFeed
from hardener.daemon.process_watch import ProcessWatch
from hardener.daemon.sealing import SealingService
from hardener.daemon.selfcheck import LedgerSelfCheck
from hardener.paths import Platform, hardener_paths
from hardener.policy import load_policy


def _username() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def build_agent(platform: Platform) -> Agent:
    policy = load_policy(platform)
    sealing = SealingService(hardener_paths(platform), policy.settings)
    agent = Agent(platform, policy, sealing=sealing)
    agent.drift = DriftGuard(platform, policy.settings, agent.record)
    agent.processes = ProcessWatch(agent.drift, _username())
    paths = hardener_paths(platform)
    drift = agent.drift
    agent.detection = Detection(
        paths,
        policy.settings.detectors,
        LedgerFeed(paths),
        stdio_servers=lambda: [(c.client, c.server) for c in drift.server_commands()],
    )
    agent.hook_repair = HookRepair(platform, agent.record, lambda: agent.policy.settings)
    agent.selfcheck = LedgerSelfCheck(paths)
    return agent
