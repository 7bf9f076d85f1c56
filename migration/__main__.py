"""``python -m migration``: the ``shell-migrate`` command."""

import sys

from .cli import main

sys.exit(main())
