"""``hardener policy show``: the effective policy and where each setting came from (L3 edge)."""

from __future__ import annotations

import argparse
import json

from hardener.cli import policy_allowlist
from hardener.cli.common import add_output_flags
from hardener.cli.context import CliContext
from hardener.policy import load_policy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hardener.cli.common import Subparsers

HELP = "show the effective policy and the source of every setting"


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser("policy", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="policy_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help=HELP)
    add_output_flags(show)
    policy_allowlist.add_parser(actions)
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.policy_action == "allowlist":
        return policy_allowlist.run(args, ctx)
    effective = load_policy(ctx.platform)
    values = effective.settings.values()
    if ctx.json:
        ctx.emit_json(
            "policy-show.schema.json",
            {
                "sources": [source.describe() for source in effective.sources],
                "settings": {
                    key: {"value": value, "source": effective.source(key)}
                    for key, value in sorted(values.items())
                },
            },
        )
        return 0
    for source in effective.sources:
        ctx.out(f"policy source: {source.describe()['label']}")
    width = max(len(key) for key in values)
    for key, value in sorted(values.items()):
        ctx.out(f"{key:<{width}}  {json.dumps(value)}  ({effective.source(key)})")
    return 0
