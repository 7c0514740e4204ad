"""``python -m clusterpolicy``: the command line (the same as the ``clusterpolicy`` command)."""

import sys

from clusterpolicy.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
