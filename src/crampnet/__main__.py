"""Allow ``python -m crampnet``."""

import sys

from crampnet.cli import main

sys.exit(main())
