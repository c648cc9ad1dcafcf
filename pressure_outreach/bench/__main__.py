"""``python -m pressure_outreach.bench``: see ``pressure_outreach.bench.cli``."""

import sys

from pressure_outreach.bench.cli import main

sys.exit(main())
