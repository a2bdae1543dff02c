"""``hardener analyze-tools FILE``: run the description detectors on a saved tools/list (L3 edge).

FILE is JSON: a ``tools/list`` result (``{"tools": [...]}``, optionally with ``instructions``,
``prompts`` and ``resources`` of the same server), a whole JSON-RPC response
(``{"jsonrpc": "2.0", "id": …, "result": {...}}``), or a bare array of tool definitions. This is
how a security team vets a server before allowing it. Exit 0: clean; 1: findings.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.detect.descriptions import SHIPPED, Finding, analyze_listing
from hardener.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from hardener.policy import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "check a saved tools/list result for poisoned descriptions (0 clean, 1 findings)"
SCHEMA = "analyze-tools.schema.json"
_REMEDY = "Give a JSON file holding a tools/list result, a JSON-RPC response, or an array of tools."


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "analyze-tools", help=HELP, description=HELP
    )
    add_output_flags(parser)
    parser.add_argument("file", metavar="FILE", help="JSON file: a tools/list result or response")
    parser.add_argument(
        "--classifier",
        action="store_true",
        help="also run the shipped n-gram classifier (its findings cite the n-grams that weighed)",
    )
    parser.set_defaults(func=run)
    return parser


def load_listing(path: Path) -> dict[str, Any]:
    """The listing in FILE, normalised to ``{"tools": [...], ...}``; UsageError when it is not one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such file", remedy=_REMEDY) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}", remedy=_REMEDY) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}", remedy=_REMEDY
        ) from exc
    if isinstance(document, Mapping) and "error" in document and "result" not in document:
        raise UsageError(f"{path} holds a JSON-RPC error response, not a tool list", remedy=_REMEDY)
    if isinstance(document, Mapping) and isinstance(document.get("result"), Mapping):
        document = document["result"]
    if isinstance(document, list):
        document = {"tools": document}
    if not isinstance(document, Mapping) or not isinstance(document.get("tools"), list):
        raise UsageError(f"{path} does not hold a tool list (no 'tools' array)", remedy=_REMEDY)
    bad = [i for i, tool in enumerate(document["tools"]) if not isinstance(tool, Mapping)]
    if bad:
        raise UsageError(f"{path}: tools[{bad[0]}] is not an object", remedy=_REMEDY)
    return dict(document)


def _human(ctx: CliContext, path: Path, count: int, findings: list[Finding]) -> None:
    if not findings:
        ctx.out(f"{path}: {count} tool(s), no findings")
        return
    ctx.out(f"{path}: {count} tool(s), {len(findings)} finding(s)")
    for finding in findings:
        ctx.out(f"\n[{finding.severity.upper()}] {finding.rule}: {finding.summary}")
        for signal in finding.signals[:8]:
            note = f" ({signal.note})" if signal.note else ""
            ctx.out(f"  - {signal.family} +{signal.weight} at {signal.pointer}{note}")
            ctx.out(f"      {json.dumps(signal.excerpt, ensure_ascii=True)[:160]}")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.file)
    listing = load_listing(path)
    threshold = load_policy(ctx.platform).settings.detectors.description_score_threshold
    findings = analyze_listing(listing, threshold, model=SHIPPED if args.classifier else None)
    tools = len(listing["tools"])
    if ctx.json:
        ctx.emit_json(
            SCHEMA,
            {
                "file": str(path),
                "tools": tools,
                "prompts": len(listing.get("prompts") or []),
                "resources": len(listing.get("resources") or []),
                "threshold": threshold,
                "clean": not findings,
                "findings": [finding.to_json() for finding in findings],
            },
        )
    else:
        _human(ctx, path, tools, findings)
    return EXIT_FINDINGS if findings else EXIT_OK
