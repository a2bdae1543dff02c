"""Build the agent from the environment: policy, sealing, drift, detection, processes (L2 service).

The only place that knows which concrete component implements each part of the loop, so tests can
build an :class:`~hardener.daemon.agent.Agent` with their own parts instead.
"""

from __future__ import annotations

from hardener.daemon.agent import Agent
from hardener.paths import Platform
from hardener.policy import load_policy


def build_agent(platform: Platform) -> Agent:
    policy = load_policy(platform)
    return Agent(platform, policy)
