import sys

from pressure_outreach.cli import main

sys.exit(main())
