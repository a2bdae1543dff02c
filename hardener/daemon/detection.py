"""Running the stateful detectors over newly sealed records (L2 service).

After each sealing pass the agent asks :meth:`Detection.run` for alerts: it reads the ledger
records after its cursor (through an injected reader, so tests need no ledger), feeds them to
:class:`hardener.detect.detector.DetectorEngine` in order, and returns ``("alert", body)`` pairs for
the agent to seal. The engine's learned state and the cursor are saved (0600) in
``<state>/detect-state.json``, so a restart neither forgets pins and baselines nor alerts twice.
A corrupt state file is moved aside and reported, never silently reset in place.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from hardener.detect.detector import DetectorEngine
from hardener.detect.sensors import SensorCorrelator
from hardener.event_bodies import AlertBody
from hardener.fsutil import read_snapshot, write_private
from hardener.paths import HardenerPaths
from hardener.settings import Detectors

log = logging.getLogger(__name__)

STATE_NAME = "detect-state.json"
SAVE_EVERY = 500

Reader = Callable[[int], Iterable[Mapping[str, object]]]
#: (client, server) of every stdio server in the inventory (for hooks.sensors); see assemble
StdioServers = Callable[[], Iterable[tuple[str, str]]]


class Detection:
    def __init__(
        self,
        paths: HardenerPaths,
        settings: Detectors,
        reader: Reader,
        *,
        stdio_servers: StdioServers | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path: Path = paths.state_dir / STATE_NAME
        self._reader = reader
        self._settings = settings
        self._stdio = stdio_servers or (lambda: ())
        self._clock = clock
        self.cursor = 0
        self.engine = DetectorEngine(settings)
        self._window = float(settings.sensor_window_seconds)
        self.sensors = SensorCorrelator(self._window)
        self.alerts_raised = 0
        self._unsaved = 0
        self._load()

    def _load(self) -> None:
        snapshot = read_snapshot(self.path)
        if snapshot.data is None:
            return
        try:
            document = json.loads(snapshot.data)
            self.engine = DetectorEngine.from_state(document["engine"], self._settings)
            self.cursor = int(document["cursor"])
            if "sensors" in document:
                self.sensors = SensorCorrelator.from_state(document["sensors"], self._window)
        except (ValueError, KeyError, TypeError) as exc:
            aside = self.path.with_name(f"{STATE_NAME}.corrupt")
            os.replace(self.path, aside)
            log.error(
                "detector state %s is unreadable (%s); moved to %s, starting over",
                self.path,
                exc,
                aside,
            )

    def run(self) -> list[tuple[str, AlertBody]]:
        """Observe every record sealed since the cursor; the alerts to seal."""
        out: list[tuple[str, AlertBody]] = []
        for record in self._reader(self.cursor):
            seq = record.get("seq")
            if isinstance(seq, int):
                if seq <= self.cursor:
                    continue
                self.cursor = seq
            for alert in self.engine.observe(record):
                out.append(("alert", alert.to_body()))
            self.sensors.observe(record)
            self._unsaved += 1
            if self._unsaved >= SAVE_EVERY:
                self.save()
        if self.sensors.hooks:
            for alert in self.sensors.expire(self._clock(), self._stdio()):
                out.append(("alert", alert.to_body()))
            self._unsaved += 1
        self.alerts_raised += len(out)
        if out:
            self.save()
        return out

    def save(self) -> None:
        if self._unsaved == 0 and self.path.exists():
            return
        document = {
            "v": 1,
            "cursor": self.cursor,
            "engine": self.engine.to_state(),
            "sensors": self.sensors.to_state(),
        }
        write_private(self.path, json.dumps(document, separators=(",", ":")).encode())
        self._unsaved = 0

    def summary(self) -> dict[str, object]:
        return {
            "cursor": self.cursor,
            "alerts_raised": self.alerts_raised,
            "sensors": self.sensors.summary(),
        }
