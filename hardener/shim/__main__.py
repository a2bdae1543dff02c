"""``python -m hardener.shim``: same as ``hardener-shim``."""

import sys

from hardener.shim.main import main

if __name__ == "__main__":
    sys.exit(main())
