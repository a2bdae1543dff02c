"""What every verb gets from the CLI frame: output channels, verbosity, the platform (L3 edge).

stdout carries the results of every verb (what it did or found; one JSON document with ``--json``),
so ``-q`` never hides them; stderr carries diagnostics only (progress, warnings, errors, prompts).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TextIO

from hardener.paths import HardenerPaths, Platform, hardener_paths


@dataclass
class CliContext:
    platform: Platform
    json: bool = False
    verbose: int = 0
    quiet: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def paths(self) -> HardenerPaths:
        return hardener_paths(self.platform)

    def emit_json(self, schema: str, document: dict[str, object]) -> None:
        """Print exactly one JSON document naming its schema file in ``schemas/``."""
        payload = {"schema": schema, **document}
        self.stdout.write(json.dumps(payload, indent=2, sort_keys=False, ensure_ascii=False))
        self.stdout.write("\n")
        self.stdout.flush()

    def out(self, text: str = "") -> None:
        """A result, for stdout (human format)."""
        self.stdout.write(text + "\n")

    def info(self, text: str) -> None:
        """Progress for people (stderr), silenced by ``-q``."""
        if not self.quiet:
            self.stderr.write(text + "\n")

    def warn(self, text: str) -> None:
        self.stderr.write(f"hardener: warning: {text}\n")
