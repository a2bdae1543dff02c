"""``python -m hardener``: the CLI entry point (L3 edge)."""

import sys

from hardener.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
