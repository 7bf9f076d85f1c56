"""The ``ipython`` command: one launcher above both modes.

In-process mode is ``legacy_shell``'s own command line, unchanged; the
two-process mode, the standalone kernel, attaching to a kernel and the
kernelspec installer live here, so ``legacy_shell`` never imports ``split``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ipython`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    from legacy_shell.cli import main as inprocess_main

    return inprocess_main(args)
