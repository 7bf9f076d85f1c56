"""``python -m split.kernel -f FILE``: run a kernel (see :mod:`split.kernel.app`)."""

from __future__ import annotations

import sys

from .app import main

if __name__ == "__main__":
    sys.exit(main())
