"""``python -m scalinglaws``: the command line (see :mod:`scalinglaws.cli`)."""

import sys

from scalinglaws.cli import main

sys.exit(main())
