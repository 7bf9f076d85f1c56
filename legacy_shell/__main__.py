"""``python -m legacy_shell``: the same command as ``ipython`` (always the monolith)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
