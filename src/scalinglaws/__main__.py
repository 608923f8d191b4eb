"""``python -m scalinglaws``: the command line (see :mod:`scalinglaws.cli`)."""

import sys

from scalinglaws.cli import main

if __name__ == "__main__":
    sys.exit(main())
