"""``python -m hardener.hooks``: the same as ``hardener-hook`` (L3 edge)."""

import sys

from hardener.hooks.main import main

sys.exit(main())
